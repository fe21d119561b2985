"""Deleting one's account from the settings page: asked twice, the password required."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from app.accounts.service import password_is_right
from app.accounts.settings_views import limit_password_checks
from app.accounts.tokens import InvalidToken, make_token, read_token
from app.extensions import db
from app.letters.models import Letter, LetterStatus
from app.portability import bp
from app.portability.deletion import (
    DeletionRefused,
    LetterChoice,
    delete_account,
    ensure_not_last_admin,
)
from app.portability.forms import ConfirmDeletionForm, DeleteAccountForm

PURPOSE = "delete-account"
# The second question must be answered soon after the first.
TICKET_SECONDS = 15 * 60


def letter_counts(user_id: int) -> dict[str, int]:
    """How many letters of each status the colleague has, for the page to say what happens."""
    rows = db.session.execute(
        select(Letter.status, func.count())
        .where(Letter.author_id == user_id)
        .group_by(Letter.status)
    )
    counts = {str(status): number for status, number in rows}
    addressed = select(func.count()).where(Letter.addressee_id == user_id)
    counts["to_you"] = db.session.scalar(addressed) or 0
    return {key: counts.get(key, 0) for key in [*map(str, LetterStatus), "to_you"]}


def deletion_page(form: DeleteAccountForm, refusal: str | None = None) -> str:
    return render_template(
        "portability/delete_account.html",
        form=form,
        refusal=refusal,
        counts=letter_counts(current_user.id),
    )


@bp.route("/settings/delete", methods=["GET", "POST"])
@login_required
@limit_password_checks
def delete_account_start() -> tuple[str, int] | str:
    """First question: the letters' fate and the password; then the page that asks again."""
    form = DeleteAccountForm()
    try:
        ensure_not_last_admin(current_user)
    except DeletionRefused as refusal:
        return deletion_page(form, str(refusal)), 409
    if not form.validate_on_submit():
        return (deletion_page(form), 422) if form.errors else deletion_page(form)
    if not password_is_right(current_user, form.current_password.data):
        form.current_password.errors = [_("The password is not right.")]
        return deletion_page(form), 422
    choice = LetterChoice(form.letters.data)
    ticket = make_token(
        PURPOSE, {"user": current_user.id, "nonce": current_user.session_nonce, "choice": choice}
    )
    return render_template(
        "portability/confirm_deletion.html",
        form=ConfirmDeletionForm(ticket=ticket, formdata=None),
        choice=choice,
        counts=letter_counts(current_user.id),
    )


def choice_of_ticket(ticket: str) -> LetterChoice | None:
    """The choice the first question signed for this colleague's session, if still valid."""
    try:
        payload = read_token(PURPOSE, ticket, max_age=TICKET_SECONDS)
    except InvalidToken:
        return None
    same_session = payload.get("user") == current_user.id and (
        payload.get("nonce") == current_user.session_nonce
    )
    if not same_session or payload.get("choice") not in set(LetterChoice):
        return None
    return LetterChoice(payload["choice"])


@bp.post("/settings/delete/confirm")
@login_required
def delete_account_confirmed() -> Response | tuple[str, int]:
    """Second press: the account goes, with everything the first page listed."""
    form = ConfirmDeletionForm()
    if not form.validate_on_submit():
        abort(400)
    choice = choice_of_ticket(form.ticket.data)
    if choice is None:
        flash(_("That confirmation has expired. Please start again."), "error")
        return redirect(url_for("portability.delete_account_start"))
    try:
        delete_account(current_user._get_current_object(), choice)
    except DeletionRefused as refusal:
        return deletion_page(DeleteAccountForm(formdata=None), str(refusal)), 409
    logout_user()
    flash(_("Your account is deleted. Thank you for your letters."), "success")
    return redirect(url_for("discovery.index"))
