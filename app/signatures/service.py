"""Signing a letter: readers with double opt-in, colleagues in one click; withdrawing,
closing signing, and an admin's removal.

Every change a reader of the letter page would see (a signature confirmed, withdrawn or
removed, signing closed or opened) calls `pages_changed()`, so that pages kept for
signed-out readers are made anew once it commits.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import delete, or_, select

from app.accounts.models import User
from app.accounts.tokens import InvalidToken, make_token, read_token
from app.database import upsert_insert, utc_now
from app.deliverability import lift_suspension
from app.extensions import db
from app.letters.models import Letter, LetterStatus
from app.letters.queries import with_people
from app.page_version import pages_changed
from app.signatures.mails import confirmations_sent_today, queue_signature_confirmation
from app.signatures.models import ClosedSigning, Signature

CONFIRMATIONS_PER_ADDRESS_PER_DAY = 3
# How long the link confirming a signature works; the link withdrawing it never expires.
SIGNATURE_CONFIRM_MAX_AGE = 7 * 24 * 3600
CONFIRM = "confirm-signature"
WITHDRAW = "withdraw-signature"


class SigningError(Exception):
    """The letter cannot be signed now, with a message for the person and an HTTP status."""

    def __init__(self, message: str | LazyString, status: int = 409) -> None:
        super().__init__(str(message))
        self.status = status


@dataclass(frozen=True)
class Signer:
    """What a reader typed into the signing form (the address already checked)."""

    name: str
    affiliation: str
    email: str
    named: bool
    told_of_answers: bool
    locale: str


def signing_closed(letter_id: int) -> bool:
    return db.session.get(ClosedSigning, letter_id) is not None


def refusal(letter: Letter, closed: bool) -> SigningError | None:
    """Why the letter cannot be signed now, or None when it can."""
    if letter.status == LetterStatus.WITHDRAWN:
        return SigningError(_l("This letter was withdrawn: it can no longer be signed."), 410)
    if letter.status == LetterStatus.HIDDEN:
        return SigningError(_l("This letter is hidden: it cannot be signed."))
    if letter.status == LetterStatus.DRAFT:
        return SigningError(_l("A draft cannot be signed: publish it first."))
    if closed:
        return SigningError(_l("Signing of this letter is closed."))
    return None


def ensure_signable(letter: Letter) -> None:
    """SigningError unless the letter is published and open for signing."""
    error = refusal(letter, signing_closed(letter.id))
    if error is not None:
        raise error


def signature_of(letter_id: int, email: str, name: str) -> Signature:
    """The address's signature of the letter, made unconfirmed if it has none.

    INSERT … ON CONFLICT DO NOTHING: two requests signing with one address at the same moment
    (a double click) make one signature, never a unique-key error.
    """
    statement = upsert_insert(Signature).values(letter_id=letter_id, email=email, name=name)
    db.session.execute(statement.on_conflict_do_nothing(index_elements=["letter_id", "email"]))
    return db.session.scalars(
        select(Signature).where(Signature.letter_id == letter_id, Signature.email == email)
    ).one()


def request_signature(letter: Letter, signer: Signer) -> None:
    """Record a pending signature and mail the link that confirms it.

    The caller shows the same answer whatever happens here: the form reveals nothing about
    an address (whether it signed, even unnamed), and sends it at most three links a day.
    """
    ensure_signable(letter)
    signature = signature_of(letter.id, signer.email, signer.name)
    if signature.removed_at is not None:
        return  # removed by an admin: that address does not sign this letter again
    already = signature.confirmed_at is not None
    if not already:  # a confirmed signature is changed by nobody but its signer's link
        signature.name, signature.affiliation = signer.name, signer.affiliation
        signature.named, signature.told_of_answers = signer.named, signer.told_of_answers
        signature.locale = signer.locale
    db.session.flush()
    if confirmations_sent_today(signer.email) < CONFIRMATIONS_PER_ADDRESS_PER_DAY:
        queue_signature_confirmation(
            signature, letter, confirm_token(signature), withdraw_token(signature), already
        )


def confirm_token(signature: Signature) -> str:
    return make_token(CONFIRM, {"s": signature.id, "e": signature.email})


def withdraw_token(signature: Signature) -> str:
    return make_token(WITHDRAW, {"s": signature.id, "e": signature.email})


def signature_to_confirm(token: str) -> Signature:
    """The signature a confirmation link names; InvalidToken when forged, expired or gone."""
    payload = read_token(CONFIRM, token, SIGNATURE_CONFIRM_MAX_AGE)
    signature = db.session.get(Signature, payload.get("s"))
    if signature is None or signature.email != payload.get("e"):
        raise InvalidToken("signature withdrawn")
    return signature


def signature_to_withdraw(token: str) -> Signature | None:
    """The signature a withdrawal link names, None if it is gone; InvalidToken when forged.

    Withdrawal links do not expire: a signer may change their mind years later.
    """
    payload = read_token(WITHDRAW, token, None)
    signature = db.session.get(Signature, payload.get("s"))
    return signature if signature is not None and signature.email == payload.get("e") else None


def confirm_signature(signature: Signature, letter: Letter) -> None:
    """Follow the confirmation link: from now on the signature counts and shows."""
    if signature.removed_at is not None:
        raise SigningError(_l("This signature was removed by a moderator."), 410)
    if signature.confirmed_at is not None:
        return
    ensure_signable(letter)
    signature.confirmed_at = utc_now()
    lift_suspension(signature.email)  # the link reached the inbox: mail arrives there again
    pages_changed()


def withdraw_signature(signature: Signature) -> None:
    """The signer takes their signature back (from the link, or as a colleague on the page)."""
    if signature.confirmed_at is not None and signature.removed_at is None:
        pages_changed()
    db.session.delete(signature)


def colleagues_signature(letter_id: int, user: User) -> Signature | None:
    """A colleague's signature of the letter: signed as a colleague, or with their address."""
    return db.session.scalars(
        select(Signature)
        .where(
            Signature.letter_id == letter_id,
            or_(Signature.user_id == user.id, Signature.email == user.email.lower()),
        )
        .order_by(Signature.user_id.is_(None))
    ).first()


def ensure_colleague_may_sign(letter: Letter, user: User) -> None:
    """SigningError unless the letter is open for signing and the colleague did not write it."""
    ensure_signable(letter)
    if letter.author_id == user.id:
        raise SigningError(_l("You wrote this letter: your signature is under it already."))


def sign_as_colleague(letter: Letter, user: User, named: bool, told_of_answers: bool) -> bool:
    """A colleague signs in one click (their address is known); False if they had signed."""
    ensure_colleague_may_sign(letter, user)
    signature = colleagues_signature(letter.id, user)
    if signature is not None and signature.removed_at is not None:
        raise SigningError(_l("Your signature of this letter was removed by a moderator."), 403)
    if signature is not None and signature.confirmed_at is not None:
        return False
    if signature is None:
        signature = signature_of(letter.id, user.email.lower(), user.display_name)
    signature.user_id, signature.name, signature.affiliation = user.id, user.display_name, ""
    signature.named, signature.told_of_answers = named, told_of_answers
    signature.locale, signature.confirmed_at = user.locale, utc_now()
    pages_changed()
    return True


def withdraw_colleagues_signature(letter: Letter, user: User) -> bool:
    """A colleague withdraws their signature from the letter page; False if there was none."""
    signature = colleagues_signature(letter.id, user)
    if signature is None or signature.removed_at is not None:
        return False
    withdraw_signature(signature)
    return True


def set_signing_closed(letter: Letter, closed: bool) -> None:
    """The author closes signing (signatures stay), or opens it again."""
    if closed and not signing_closed(letter.id):
        db.session.add(ClosedSigning(letter_id=letter.id))
    elif not closed:
        db.session.execute(delete(ClosedSigning).where(ClosedSigning.letter_id == letter.id))
    pages_changed()


def remove_signature(letter: Letter, signature_id: int) -> Signature:
    """An admin removes a signature (moderation); SigningError if the letter has none such."""
    signature = db.session.get(Signature, signature_id)
    if signature is None or signature.letter_id != letter.id or signature.removed_at:
        raise SigningError(_l("This letter has no such signature."), 404)
    signature.removed_at = utc_now()
    signature.told_of_answers = False
    pages_changed()
    return signature


def letter_of(signature: Signature) -> Letter:
    """The signed letter with the people its pages name."""
    query = with_people(select(Letter).where(Letter.id == signature.letter_id))
    return db.session.scalars(query).unique().one()
