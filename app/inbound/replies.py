"""A reply to a notice: checked, taken once, and turned into a draft letter or a private note.

Safe by default: the token must be genuine and fresh, the From address the one the notice
went to, our MTA must not have seen DKIM and SPF both fail, and machines are never answered.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.accounts.service import user_by_email
from app.accounts.tokens import InvalidToken, TokenExpired
from app.database import utc_now
from app.extensions import db
from app.inbound import answers
from app.inbound.answers import Answer
from app.inbound.authentication import failed_authentication
from app.inbound.auto_replies import is_automatic
from app.inbound.drafts import reply_letter
from app.inbound.mails import tell_author_of_reader_reply, tell_colleague_of_draft
from app.inbound.message import IncomingMail, same_address
from app.inbound.models import InboundReply, ReplyOutcome
from app.inbound.reply_text import ReplyParts, attachment_count, message_text, reply_parts
from app.letters.models import Letter
from app.notifications.reply_address import ReplyTarget, read_reply_token
from app.outbox import Notice

# Replies from one reader's address passed on to authors in a day; more are refused.
READER_REPLIES_PER_DAY = 5
# The letter replied to, with the people a reply is addressed to; built once.
PARENT = (
    select(Letter)
    .options(joinedload(Letter.author), joinedload(Letter.addressee))
    .where(Letter.id == bindparam("letter_id"))
)


def check_token(token: str) -> Answer | None:
    """A genuine, fresh token is taken at RCPT; nothing else is."""
    found = target_or_answer(token)
    return found if isinstance(found, Answer) else None


def target_or_answer(token: str) -> ReplyTarget | Answer:
    try:
        return read_reply_token(token)
    except TokenExpired:
        return answers.EXPIRED
    except InvalidToken:
        return answers.UNKNOWN


def take_reply(token: str, mail: IncomingMail) -> Answer:
    """Check one reply and, if it passes, leave its draft or note in the session."""
    target = target_or_answer(token)
    if isinstance(target, Answer):
        return target
    if is_automatic(mail):
        return answers.DROPPED
    notice = db.session.get(Notice, target.notice_id)
    if notice is None or notice.letter_id != target.letter_id:
        return answers.UNKNOWN
    sender = mail.from_address
    if sender is None:
        return answers.MALFORMED
    if not same_address(sender, notice.recipient):
        return answers.WRONG_SENDER
    if failed_authentication(mail, sender):
        return answers.NOT_AUTHENTIC
    letter = db.session.scalars(PARENT, {"letter_id": notice.letter_id}).unique().first()
    if letter is None or not letter.is_published:
        return answers.CLOSED
    parts = reply_parts(message_text(mail.message))
    if parts is None:
        return answers.EMPTY
    colleague = user_by_email(notice.recipient)
    if colleague is not None:
        return take_colleague_reply(colleague, letter, mail, parts)
    return pass_on_reader_reply(sender, letter, mail, parts)


def take_colleague_reply(
    colleague: User, parent: Letter, mail: IncomingMail, parts: ReplyParts
) -> Answer:
    """A draft reply letter (or, with REPLY_BY_EMAIL=publish, a published one)."""
    publish = current_app.config.get("REPLY_BY_EMAIL") == "publish"
    outcome = ReplyOutcome.PUBLISHED if publish else ReplyOutcome.DRAFT
    record = record_once(mail, parent, colleague.email, outcome)
    if record is None:
        return answers.ALREADY_TAKEN
    letter = reply_letter(colleague, parent, parts, publish)
    record.draft_id = letter.id
    tell_colleague_of_draft(colleague, letter, parent, record.attachments)
    return answers.TAKEN


def pass_on_reader_reply(
    sender: str, parent: Letter, mail: IncomingMail, parts: ReplyParts
) -> Answer:
    """A reader's reply goes to the author alone, at most a few a day from one address."""
    if reader_replies_today(sender) >= READER_REPLIES_PER_DAY:
        return answers.TOO_MANY
    if record_once(mail, parent, sender, ReplyOutcome.FORWARDED) is None:
        return answers.ALREADY_TAKEN
    tell_author_of_reader_reply(parent, sender, parts)
    return answers.TAKEN


def reader_replies_today(sender: str) -> int:
    since = utc_now() - timedelta(days=1)
    count = select(func.count()).where(
        InboundReply.sender == sender.lower(),
        InboundReply.outcome == ReplyOutcome.FORWARDED,
        InboundReply.created_at > since,
    )
    return db.session.scalar(count) or 0


def record_once(
    mail: IncomingMail, parent: Letter, sender: str, outcome: ReplyOutcome
) -> InboundReply | None:
    """The row that makes this message taken; None when it was taken before.

    The unique constraint decides between two deliveries racing each other: on PostgreSQL
    the second insert waits for the first to commit and then fails; SQLite runs them in turn.
    """
    record = InboundReply(
        message_key=mail.message_key,
        sender=sender.lower(),
        letter_id=parent.id,
        outcome=outcome,
        attachments=attachment_count(mail.message),
    )
    try:
        with db.session.begin_nested():
            db.session.add(record)
            db.session.flush()
    except IntegrityError:
        return None
    return record
