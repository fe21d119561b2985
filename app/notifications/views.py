"""Notice settings for colleagues and the delivery status page for admins."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select, update

from app.admin.views import admin_required
from app.extensions import db
from app.letters.forms import ConfirmForm
from app.notifications.forms import NoticeSettingsForm
from app.notifications.models import DeliveryState, Notification
from app.notifications.service import PREFERENCE_OF, preferences_of, save_preferences

bp = Blueprint("notifications", __name__)


@bp.route("/settings/notifications", methods=["GET", "POST"])
@login_required
def settings():
    """Which emails a colleague gets about letters."""
    form = NoticeSettingsForm(obj=preferences_of(current_user))
    if form.validate_on_submit():
        save_preferences(current_user, **{name: form[name].data for name in PREFERENCE_OF.values()})
        flash(_("Your email settings are saved."), "success")
        return redirect(url_for("notifications.settings"))
    return render_template("notifications/settings.html", form=form)


@bp.route("/admin/deliveries")
@admin_required
def deliveries():
    """How many notices wait, were sent or failed, and the failures with their errors."""
    rows = db.session.execute(select(Notification.state, func.count()).group_by(Notification.state))
    counts = {state: count for state, count in rows}
    failed = db.session.scalars(
        select(Notification)
        .where(Notification.state == DeliveryState.FAILED)
        .order_by(Notification.id.desc())
        .limit(100)
    ).all()
    retrying = db.session.scalars(
        select(Notification)
        .where(Notification.state == DeliveryState.PENDING, Notification.attempts > 0)
        .order_by(Notification.next_attempt_at)
        .limit(100)
    ).all()
    return render_template(
        "notifications/deliveries.html",
        counts=counts,
        failed=failed,
        retrying=retrying,
        states=list(DeliveryState),
        form=ConfirmForm(),
    )


@bp.post("/admin/deliveries/<int:notice_id>/retry")
@admin_required
def retry(notice_id: int):
    """Give a failed notice another try now."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    db.session.execute(
        update(Notification)
        .where(Notification.id == notice_id, Notification.state == DeliveryState.FAILED)
        .values(state=DeliveryState.PENDING, next_attempt_at=func.now())
    )
    db.session.commit()
    return redirect(url_for("notifications.deliveries"))
