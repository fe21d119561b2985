"""The emails a reply by email causes: to the colleague whose draft it became, or to the
author a reader wrote to. Both go through the outbox and are marked as sent by a machine."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_mail import Message

from app.accounts.models import User
from app.inbound.reply_text import ReplyParts
from app.letters.models import Letter
from app.mail import compose_email, queue_email, safe_address, safe_header_value
from app.web import absolute_url

DRAFT_SUBJECT = _l("Your answer by email is a draft: %(title)s")
PUBLISHED_SUBJECT = _l("Your answer by email is published: %(title)s")
READER_SUBJECT = _l("A reader replied to your letter by email: %(title)s")


def tell_colleague_of_draft(colleague: User, letter: Letter, parent: Letter, attachments: int):
    """The link to review the draft and publish it (or to the published letter)."""
    published = letter.is_published
    message = compose_email(
        "reply_by_email",
        colleague.email,
        subject=PUBLISHED_SUBJECT if published else DRAFT_SUBJECT,
        subject_values={"title": parent.title},
        locale=colleague.locale,
        user=colleague,
        parent=parent,
        published=published,
        attachments=attachments,
        link=absolute_url("letters.show", slug=letter.slug),
    )
    queue_automatic(message, colleague.locale)


def tell_author_of_reader_reply(parent: Letter, reader: str, parts: ReplyParts) -> None:
    """A reader's words, privately, to the letter's author; answering them writes to the reader."""
    author = parent.author
    message = compose_email(
        "reader_reply",
        author.email,
        subject=READER_SUBJECT,
        subject_values={"title": parent.title},
        locale=author.locale,
        user=author,
        parent=parent,
        reader=reader,
        text="\n\n".join(part for part in (parts.salutation, parts.body) if part),
        closing=parts.closing,
        signature=parts.signature,
        link=absolute_url("letters.show", slug=parent.slug),
    )
    message.reply_to = safe_address(reader)
    queue_automatic(message, author.locale)


def queue_automatic(message: Message, locale: str) -> None:
    """Queued like account mail; Auto-Submitted keeps vacation notices from answering it."""
    message.extra_headers = {"Auto-Submitted": safe_header_value("auto-generated")}
    queue_email(message, locale)
