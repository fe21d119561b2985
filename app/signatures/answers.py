"""Signers who asked to be told of answers to the letter they signed, and leaving that list."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app.extensions import db
from app.letters.models import Letter
from app.signatures.listing import counted
from app.signatures.models import Signature


@dataclass(frozen=True)
class AnswerWatcher:
    email: str
    locale: str
    user_id: int | None


def answer_watchers(letter_id: int) -> list[AnswerWatcher]:
    """The signers of a letter who asked to be told of answers to it (confirmed ones only)."""
    rows = db.session.execute(
        select(Signature.email, Signature.locale, Signature.user_id).where(
            *counted(letter_id), Signature.told_of_answers.is_(True)
        )
    )
    return [AnswerWatcher(email, locale, user_id) for email, locale, user_id in rows]


def signed_letter_of(answer_id: int) -> Letter | None:
    """The letter an answer answers: the one its signers signed."""
    parent = select(Letter.in_reply_to_id).where(Letter.id == answer_id).scalar_subquery()
    return db.session.scalars(select(Letter).where(Letter.id == parent)).first()


def stop_answer_notices(email: str, answer_id: int) -> None:
    """One click in a notice of an answer: no more notices of answers to that letter."""
    signed = signed_letter_of(answer_id)
    if signed is None:
        return
    db.session.execute(
        update(Signature)
        .where(Signature.letter_id == signed.id, Signature.email == email.lower())
        .values(told_of_answers=False)
    )


def answer_notices_label(answer_id: int) -> str:
    """The emails the unsubscribe link of such a notice stops, named for the signer."""
    signed = signed_letter_of(answer_id)
    if signed is None or not signed.is_published:
        return str(_l("emails about answers to a letter you signed"))
    return str(_l("emails about answers to “%(title)s”, which you signed", title=signed.title))
