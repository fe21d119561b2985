"""A colleague deletes their account: what goes, and what stays of it.

The user row stays, emptied, as "a former colleague": the letters they choose to keep need an
author, and a correspondence others answered keeps its shape. Everything that could reach or
name the person goes: address, handle, name, profile, picture, password, sessions, tokens,
subscriptions, signatures, notices and bounces. Letters addressed to them keep the name they
had, as plain text, because that name is part of someone else's letter.
"""

from __future__ import annotations

import enum
import secrets

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update

from app.accounts.events import name_changed, profile_changed
from app.accounts.models import AccessToken, Invitation, NoticeSettings, User, new_session_nonce
from app.database import utc_now
from app.extensions import db
from app.inbound.models import InboundReply
from app.letters.models import Letter, LetterStatus, Revision
from app.letters.service import delete_draft, withdraw_letter
from app.notifications.models import LetterEvent
from app.outbox import Notice
from app.page_version import pages_changed
from app.portability.address_data import forget_address
from app.signatures.models import Signature
from app.subscriptions.models import Subscription, Target


class LetterChoice(enum.StrEnum):
    """What becomes of a deleted colleague's published letters."""

    KEEP = "keep"  # stay public, by "a former colleague"
    WITHDRAW = "withdraw"  # taken back, their text erased


class DeletionRefused(Exception):
    """The account cannot be deleted now; the message says why and what to do."""


def former_colleague_name() -> str:
    """The name kept in the row, in the site's language (pages show it in the reader's)."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return _("a former colleague")


def ensure_not_last_admin(user: User) -> None:
    """A site without an admin could invite no one and moderate nothing."""
    if not user.is_admin:
        return
    others = select(func.count()).where(
        User.is_admin.is_(True), User.deleted_at.is_(None), User.id != user.id
    )
    if db.session.scalar(others) == 0:
        raise DeletionRefused(_l("You are the only admin. Make another colleague an admin first."))


def letters_by(user: User) -> list[Letter]:
    return list(db.session.scalars(select(Letter).where(Letter.author_id == user.id)))


def erase_text(letters: list[Letter]) -> None:
    """Nothing of the letters' words stays: not their text, nor their earlier versions."""
    for letter in letters:
        for name in ("salutation", "body", "body_html", "excerpt", "closing", "signature",
                     "postscript", "postscript_html"):  # fmt: skip
            setattr(letter, name, "")
    ids = [letter.id for letter in letters]
    if ids:
        db.session.execute(delete(Revision).where(Revision.letter_id.in_(ids)))


def settle_letters(user: User, choice: LetterChoice) -> None:
    """Drafts go in any case (no one could publish them); published ones as chosen.

    Withdrawn and hidden letters lose their words either way: no one may ever restore them.
    """
    erased = []
    for letter in letters_by(user):
        if letter.status == LetterStatus.DRAFT:
            delete_draft(letter)
            continue
        if choice == LetterChoice.WITHDRAW and letter.status == LetterStatus.PUBLISHED:
            withdraw_letter(letter)
        if letter.status != LetterStatus.PUBLISHED:
            erased.append(letter)
    erase_text(erased)


def name_addressee_as_text(user: User) -> None:
    """Letters to the colleague keep their name as it was, no longer linked to an account."""
    db.session.execute(
        update(Letter)
        .where(Letter.addressee_id == user.id)
        .values(addressee_id=None, addressee_name=user.display_name[:100])
    )


def forget_what_reaches_them(user: User) -> None:
    """Everything kept about the address and the account that could reach or name them."""
    forget_address(user.email)
    db.session.execute(delete(Signature).where(Signature.user_id == user.id))
    db.session.execute(delete(Notice).where(Notice.user_id == user.id))
    db.session.execute(delete(AccessToken).where(AccessToken.user_id == user.id))
    db.session.execute(delete(NoticeSettings).where(NoticeSettings.user_id == user.id))
    db.session.execute(delete(InboundReply).where(func.lower(InboundReply.sender) == user.email))
    db.session.execute(delete(Invitation).where(Invitation.email == user.email))
    # Subscribers of the colleague's letters: there will be none to tell them of.
    db.session.execute(
        delete(Subscription).where(Subscription.target == Target.AUTHOR,
                                   Subscription.target_id == user.id)
    )  # fmt: skip


def empty_the_account(user: User) -> None:
    """The row keeps only what the letters kept need: an id and a name that names no one."""
    user.email = f"deleted-{user.id}-{secrets.token_hex(4)}@invalid"
    user.handle = f"former_{secrets.token_hex(8)}"
    user.display_name = former_colleague_name()
    for name in ("role_line", "bio", "bio_html", "salutation_name", "default_closing",
                 "password_hash"):  # fmt: skip
        setattr(user, name, "")
    user.is_admin = False
    user.avatar_png = None
    user.avatar_version = 0
    user.confirmed_at = None
    user.last_signed_in_at = None
    # Every session and remember-me cookie names the old nonce: all of them end here.
    user.session_nonce = new_session_nonce()
    user.deleted_at = utc_now()


def rename_in_kept_events(user: User) -> None:
    """Notices still to be sent of the kept letters name the author as the pages do."""
    kept = select(Letter.id).where(Letter.author_id == user.id)
    db.session.execute(
        update(LetterEvent)
        .where(LetterEvent.letter_id.in_(kept), LetterEvent.author_name.is_not(None))
        .values(author_name=user.display_name)
    )


def delete_account(user: User, choice: LetterChoice) -> None:
    """Delete the colleague's account; the caller commits (one transaction, all or nothing)."""
    ensure_not_last_admin(user)
    settle_letters(user, choice)
    name_addressee_as_text(user)
    forget_what_reaches_them(user)
    empty_the_account(user)
    db.session.flush()
    rename_in_kept_events(user)
    name_changed.send(user)  # search finds the kept letters by their new author name only
    profile_changed.send(user)
    pages_changed()
