"""Notice settings for colleagues and the delivery status page for admins."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select, update

from app.accounts.access import admin_required
from app.accounts.notice_settings import PREFERENCE_OF, notice_settings_of, save_notice_settings
from app.deliverability import AddressStanding, Bounce, lift_suspension
from app.extensions import db
from app.forms import ConfirmForm
from app.notifications import bp
from app.notifications.forms import LiftSuspensionForm, NoticeSettingsForm
from app.outbox import DeliveryState, Notice, NoticeKind
from app.subscriptions.forms import chosen_whole_letter, letter_in_mail_choice


@bp.route("/settings/notifications", methods=["GET", "POST"])
@login_required
def settings():
    """Which emails a colleague gets about letters."""
    current = notice_settings_of(current_user)
    form = NoticeSettingsForm(obj=current, letter=letter_in_mail_choice(current.whole_letter))
    if form.validate_on_submit():
        choices = {name: form[name].data for name in PREFERENCE_OF.values()}
        save_notice_settings(
            current_user, **choices, whole_letter=chosen_whole_letter(form.letter.data)
        )
        flash(_("Your email settings are saved."), "success")
        return redirect(url_for("notifications.settings"))
    return render_template("notifications/settings.html", form=form)


@bp.route("/admin/deliveries")
@admin_required
def deliveries():
    """How many notices wait, were sent or failed, and the failures with their errors."""
    rows = db.session.execute(select(Notice.state, func.count()).group_by(Notice.state))
    counts = {state: count for state, count in rows}
    failed = db.session.scalars(
        select(Notice)
        .where(Notice.state == DeliveryState.FAILED)
        .order_by(Notice.id.desc())
        .limit(100)
    ).all()
    retrying = db.session.scalars(
        select(Notice)
        .where(Notice.state == DeliveryState.PENDING, Notice.attempts > 0)
        .order_by(Notice.next_attempt_at)
        .limit(100)
    ).all()
    return render_template(
        "notifications/deliveries.html",
        counts=counts,
        failed=failed,
        retrying=retrying,
        bounces=recent_bounces(),
        suspended=suspended_addresses(),
        states=list(DeliveryState),
        form=ConfirmForm(),
    )


def recent_bounces(limit: int = 100) -> list[tuple[Bounce, NoticeKind | None]]:
    """The newest bounces, each with the kind of notice that bounced."""
    rows = db.session.execute(
        select(Bounce, Notice.kind)
        .outerjoin(Notice, Notice.id == Bounce.notice_id)
        .order_by(Bounce.id.desc())
        .limit(limit)
    )
    return [(bounce, kind) for bounce, kind in rows]


def suspended_addresses(limit: int = 500) -> list[AddressStanding]:
    return list(
        db.session.scalars(
            select(AddressStanding)
            .where(AddressStanding.suspended_at.is_not(None))
            .order_by(AddressStanding.suspended_at.desc())
            .limit(limit)
        )
    )


@bp.post("/admin/deliveries/lift")
@admin_required
def lift():
    """Send to a suspended address again (the person said it works, say)."""
    form = LiftSuspensionForm()
    if not form.validate_on_submit():
        abort(400)
    if lift_suspension(form.address.data):
        flash(_("Notices go to %(email)s again.", email=form.address.data), "success")
    return redirect(url_for("notifications.deliveries"))


@bp.post("/admin/deliveries/<int:notice_id>/retry")
@admin_required
def retry(notice_id: int):
    """Give a failed notice another try now."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    db.session.execute(
        update(Notice)
        .where(Notice.id == notice_id, Notice.state == DeliveryState.FAILED)
        .values(state=DeliveryState.PENDING, next_attempt_at=func.now())
    )
    return redirect(url_for("notifications.deliveries"))
