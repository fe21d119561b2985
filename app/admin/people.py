"""The admins' view of people: colleagues, and invitations to send again or revoke."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.accounts.invitations import pending_invitations, resend_invitation, revoke_invitation
from app.accounts.models import Invitation
from app.accounts.service import AccountError
from app.admin import bp
from app.database import utc_now
from app.discovery.service import colleagues
from app.extensions import db, login_manager
from app.forms import ConfirmForm


def admins_only(view: Any) -> Any:
    """Signed-in admins only: a visitor is asked to sign in first, a colleague gets 403."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            flash(str(login_manager.login_message), login_manager.login_message_category)
            # Back to the page afterwards: a button's POST address cannot be opened.
            return redirect(url_for("accounts.login", next=url_for("admin.people")))
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


@bp.route("/admin/people")
@admins_only
def people() -> str:
    """Every colleague (address, letters, last sign-in) and the invitations not yet answered."""
    max_age = timedelta(seconds=current_app.config["INVITE_MAX_AGE"])
    return render_template(
        "admin/people.html",
        colleagues=colleagues(),
        invitations=pending_invitations(),
        expired_before=utc_now() - max_age,
    )


def act_on_invitation(invitation_id: int, action: Callable[[Invitation], None]) -> Invitation:
    """Carry out a button's action on the invitation it names (CSRF checked); 4xx if it cannot."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None:
        abort(404)
    try:
        action(invitation)
    except AccountError as error:  # accepted or revoked meanwhile
        abort(409, description=str(error))
    return invitation


@bp.post("/admin/invitations/<int:invitation_id>/resend")
@admins_only
def resend(invitation_id: int) -> Response:
    """Email a pending invitation again, with a fresh link."""
    email = act_on_invitation(invitation_id, resend_invitation).email
    flash(_("The invitation to %(email)s was sent again.", email=email), "success")
    return redirect(url_for("admin.people"))


@bp.post("/admin/invitations/<int:invitation_id>/revoke")
@admins_only
def revoke(invitation_id: int) -> Response:
    """Withdraw a pending invitation: its links stop working."""
    email = act_on_invitation(invitation_id, revoke_invitation).email
    flash(
        _("The invitation to %(email)s is revoked: its link no longer works.", email=email),
        "success",
    )
    return redirect(url_for("admin.people"))
