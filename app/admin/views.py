"""Admin pages: invitations, moderation and the development mailbox (people: people.py)."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.accounts.access import admin_required
from app.accounts.forms import InviteForm, show_account_error
from app.accounts.invitations import send_invitation
from app.accounts.service import AccountError
from app.admin import bp
from app.admin.forms import HideForm
from app.admin.moderation import hide_letter, show_letter_again
from app.extensions import db
from app.forms import ConfirmForm
from app.letters.models import Letter, LetterStatus
from app.letters.queries import letter_by_slug, with_people
from app.letters.service import LetterError
from app.mail import parse_raw
from app.notifications.models import MailboxMessage
from app.webmentions.moderation import waiting_for_approval


@bp.route("/admin", methods=["GET", "POST"])
@admin_required
def dashboard():
    """Invite colleagues and see hidden letters."""
    form = InviteForm()
    if form.validate_on_submit():
        inviter = current_user._get_current_object()
        try:
            invited = send_invitation(form.email.data, inviter, form.note.data)
        except AccountError as error:
            show_account_error(form, error)
        else:
            email = invited.invitation.email
            if invited.again:
                flash(
                    _("%(email)s was invited already: the invitation was sent again.", email=email),
                    "success",
                )
            else:
                flash(_("Invitation sent to %(email)s.", email=email), "success")
            return redirect(url_for("admin.dashboard"))
    hidden = db.session.scalars(
        with_people(select(Letter).where(Letter.status == LetterStatus.HIDDEN))
    ).unique()
    status = 422 if form.errors else 200
    return render_template(
        "admin/dashboard.html",
        form=form,
        hidden=list(hidden),
        waiting_mentions=waiting_for_approval(),
        decision_form=ConfirmForm(),
    ), status


@bp.route("/admin/letters/<slug>/hide")
@admin_required
def hide(slug: str) -> str:
    """Ask for the reason before a letter is hidden: its author is told."""
    letter = letter_by_slug(slug)
    if letter is None or letter.status != LetterStatus.PUBLISHED:
        abort(404)
    return render_template("admin/hide.html", letter=letter, form=HideForm())


@bp.post("/admin/letters/<slug>/hidden")
@admin_required
def toggle_hidden(slug: str) -> Response | tuple[str, int]:
    """Hide a published letter (with a reason), or show a hidden one again."""
    letter = letter_by_slug(slug)
    if letter is None:
        abort(404)
    try:
        if letter.status == LetterStatus.HIDDEN:
            if not ConfirmForm().validate_on_submit():
                abort(400)
            show_letter_again(letter)
            flash(_("The letter is shown again."), "success")
        else:
            form = HideForm()
            if not form.validate_on_submit():
                return render_template("admin/hide.html", letter=letter, form=form), 422
            hide_letter(letter, form.reason.data.strip())
            flash(_("The letter is hidden; its author has been told why."), "success")
    except LetterError as error:
        abort(409, description=str(error))
    return redirect(url_for("letters.show", slug=slug))


@bp.route("/dev/mailbox")
@admin_required
def mailbox():
    """Mail kept because no MAIL_SERVER is configured, newest first."""
    messages = db.session.scalars(
        select(MailboxMessage).order_by(MailboxMessage.id.desc()).limit(200)
    ).all()
    return render_template(
        "admin/mailbox.html", messages=messages, smtp=bool(current_app.config.get("MAIL_SERVER"))
    )


def stored_message(message_id: int) -> Any:
    stored = db.session.get(MailboxMessage, message_id)
    if stored is None:
        abort(404)
    return parse_raw(stored.raw)


@bp.route("/dev/mailbox/<int:message_id>")
@admin_required
def mailbox_message(message_id: int):
    """One kept message: its headers, its text part, and its HTML part."""
    parsed = stored_message(message_id)
    text = parsed.get_body(preferencelist=("plain",))
    return render_template(
        "admin/mailbox_message.html",
        message_id=message_id,
        headers=list(parsed.items()),
        text=text.get_content() if text else "",
    )


@bp.route("/dev/mailbox/<int:message_id>/html")
@admin_required
def mailbox_message_html(message_id: int) -> Response:
    """The HTML part alone, sandboxed, for the frame on the message page."""
    html = stored_message(message_id).get_body(preferencelist=("html",))
    response = current_app.response_class(html.get_content() if html else "", mimetype="text/html")
    response.headers["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
        "frame-ancestors 'self'"
    )
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response
