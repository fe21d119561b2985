"""Invitations: stored so that admins see them pending, send them again and revoke them."""

from __future__ import annotations

import re
from typing import NamedTuple

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _ln
from flask_babel.speaklater import LazyString
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.accounts.events import name_changed, profile_changed
from app.accounts.models import INVITATION_NOTE_MAX_LENGTH, Invitation, User
from app.accounts.service import (
    AccountError,
    checked_email,
    checked_handle,
    checked_name,
    create_user,
    is_waiting_for_its_owner,
    normalise_email,
    set_password,
    user_by_email,
)
from app.accounts.tokens import InvalidToken, TokenExpired, make_token, read_token
from app.database import utc_now
from app.extensions import db
from app.mail import compose_email, queue_email
from app.web import absolute_url

INVITE = "invite"  # the token purpose; self sign-up links share it and the accept page
# Kept out of a plain-text note: they would garble the email or be refused by PostgreSQL.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
IS_PENDING = Invitation.accepted_at.is_(None) & Invitation.revoked_at.is_(None)


class InvitationClosed(Exception):
    """An invitation link that cannot create an account (any more); the message says why."""

    def __init__(self, message: LazyString) -> None:
        super().__init__(message)


class Invited(NamedTuple):
    invitation: Invitation
    again: bool  # a pending invitation to the address was sent again


class OpenInvitation(NamedTuple):
    """Whom a working link lets create an account."""

    email: str
    invitation: Invitation | None  # None for a self sign-up link, or one from before storage


def plain_note(note: str | None) -> str:
    """A personal note as stored: plain text, lines ending in \\n, no blanks around."""
    lines = (note or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return CONTROL_CHARACTERS.sub("", "\n".join(line.rstrip() for line in lines)).strip()


def checked_note(note: str | None) -> str:
    """The plain note, or AccountError at the note field when it is too long."""
    text = plain_note(note)
    if len(text) > INVITATION_NOTE_MAX_LENGTH:
        raise AccountError(
            _ln(
                "Use at most %(num)d character.",
                "Use at most %(num)d characters.",
                INVITATION_NOTE_MAX_LENGTH,
            ),
            field="note",
        )
    return text


def pending_invitation_for(address: str) -> Invitation | None:
    return db.session.scalars(
        select(Invitation).where(Invitation.email == address, IS_PENDING)
    ).first()


def send_invitation(email: str, inviter: User | None, note: str = "") -> Invited:
    """Store and email an invitation; a pending one to the address is sent again instead."""
    address = checked_email(email)
    if has_own_account(address):
        raise AccountError(_l("This colleague has an account already."))
    note = checked_note(note)
    invitation = pending_invitation_for(address)
    again = invitation is not None
    if invitation is None:
        invitation = Invitation(email=address, inviter=inviter, note=note)
        try:
            with db.session.begin_nested():  # written now, so that a clash is known now
                db.session.add(invitation)
        except IntegrityError:  # another admin invited the address a moment ago
            invitation = pending_invitation_for(address)
            if invitation is None:
                raise
            again = True
    if again and note:
        invitation.note = note  # the note given last is the one that counts
    email_invitation(invitation)
    return Invited(invitation, again)


def has_own_account(address: str) -> bool:
    """Whether the address has an account its owner has set up (an imported one waits)."""
    user = user_by_email(address)
    return user is not None and not is_waiting_for_its_owner(user)


def email_invitation(invitation: Invitation) -> None:
    """Email the invitation with a fresh link that expires after INVITE_MAX_AGE."""
    invitation.last_sent_at = utc_now()
    token = make_token(INVITE, {"invitation": invitation.id})
    queue_email(
        compose_email(
            "invitation",
            invitation.email,
            subject=_l("Invitation to %(site)s"),
            subject_values={"site": current_app.config["SITE_NAME"]},
            inviter=invitation.inviter,
            note=invitation.note,
            link=absolute_url("accounts.accept_invitation", token=token),
            days=current_app.config["INVITE_MAX_AGE"] // 86400,
        )
    )


def still_pending(invitation: Invitation) -> Invitation:
    """The invitation if it can still be sent or revoked, else AccountError saying why."""
    if not invitation.is_pending:
        raise AccountError(_l("This invitation was accepted or revoked already."))
    if has_own_account(invitation.email):
        raise AccountError(_l("This colleague has an account already."))
    return invitation


def resend_invitation(invitation: Invitation) -> None:
    """Email a pending invitation again, with a fresh link."""
    email_invitation(still_pending(invitation))


def revoke_invitation(invitation: Invitation) -> None:
    """Withdraw a pending invitation: every link it was sent with stops working."""
    still_pending(invitation).revoked_at = utc_now()


def pending_invitations() -> list[Invitation]:
    """Invitations waiting for an answer, last sent first, with their inviters, in one query."""
    has_account = (
        select(User.id).where(User.email == Invitation.email, User.password_hash != "").exists()
    )
    return list(
        db.session.scalars(
            select(Invitation)
            .options(joinedload(Invitation.inviter))
            .where(IS_PENDING, ~has_account)
            .order_by(Invitation.last_sent_at.desc(), Invitation.id.desc())
        )
    )


def open_invitation(token: str) -> OpenInvitation:
    """Whom an invitation or sign-up link lets create an account, or InvitationClosed."""
    try:
        payload = read_token(INVITE, token, current_app.config["INVITE_MAX_AGE"])
    except TokenExpired as error:
        raise InvitationClosed(
            _l("This invitation has expired. Please ask for a new one.")
        ) from error
    except InvalidToken as error:
        raise InvitationClosed(_l("This invitation link is not valid.")) from error
    invitation = None
    if "invitation" in payload:
        invitation = db.session.get(Invitation, int(payload["invitation"] or 0))
        if invitation is None:
            raise InvitationClosed(_l("This invitation link is not valid."))
        if invitation.revoked_at is not None:
            raise InvitationClosed(_l("This invitation was withdrawn."))
        email = invitation.email
    else:  # a self sign-up link names the address it was sent to
        email = normalise_email(str(payload.get("email", "")))
    if not email:
        raise InvitationClosed(_l("This invitation link is not valid."))
    if has_own_account(email) or (invitation and invitation.accepted_at):
        raise InvitationClosed(_l("This invitation was used already. Please sign in."))
    return OpenInvitation(email, invitation)


def accept_invitation(
    opened: OpenInvitation, name: str, handle: str, password: str, locale: str = "en"
) -> User:
    """Create the invited colleague's account, in the language they set it up in.

    An account made for them already (their letters were imported) becomes theirs.
    """
    waiting = user_by_email(opened.email)
    if waiting is not None:
        take_over_account(waiting, name, handle, password, locale)
        user = waiting
    else:
        user = create_user(
            opened.email, name, password, handle=handle or None, confirmed=True, locale=locale
        )
    # Every pending invitation to the address is used now, however the link came.
    db.session.execute(
        update(Invitation)
        .where(Invitation.email == opened.email, IS_PENDING)
        .values(accepted_at=utc_now())
    )
    return user


def take_over_account(user: User, name: str, handle: str, password: str, locale: str) -> None:
    """The person sets up the account made for them: their name, handle and password."""
    name = checked_name(name)
    if handle and handle != user.handle:
        user.handle = checked_handle(handle)
    set_password(user, password)
    user.locale = locale
    user.confirmed_at = utc_now()
    if name != user.display_name:
        user.display_name = name
        name_changed.send(user)  # their letters are found by the name they chose
    profile_changed.send(user)
