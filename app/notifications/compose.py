"""Render an outbox row into the email a mail client shows: parts, threading, unsubscribe."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from email.parser import BytesHeaderParser

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_mail import Message
from sqlalchemy import select

from app.extensions import db
from app.letters.models import Letter
from app.letters.service import with_people
from app.notifications.dkim import sign_with_dkim
from app.notifications.mail import compose_email, safe_header_value
from app.notifications.models import NoticeKind, Notification
from app.subscriptions.tokens import manage_url, unsubscribe_url
from app.web import absolute_url

SUBJECTS = {
    NoticeKind.LETTER_TO_YOU: _l("%(author)s wrote you an open letter: %(title)s"),
    NoticeKind.REPLY_TO_YOU: _l("%(author)s answered your letter: %(title)s"),
    NoticeKind.THREAD_REPLY: _l("New letter in a correspondence you wrote in: %(title)s"),
    NoticeKind.SUBSCRIPTION: _l("New letter from %(author)s: %(title)s"),
}
DIGEST_SUBJECT = _l("Your digest from %(site)s: new letters")


@dataclass
class LetterCache:
    """Letters and their ancestry for one batch, loaded with few queries."""

    letters: dict[int, Letter] = field(default_factory=dict)
    parents: dict[int, dict[int, int | None]] = field(default_factory=dict)

    def load(self, letter_ids: set[int]) -> None:
        missing = letter_ids - self.letters.keys()
        if missing:
            # populate_existing: the fan-out may have loaded these rows without their people
            query = with_people(select(Letter).where(Letter.id.in_(missing))).execution_options(
                populate_existing=True
            )
            for letter in db.session.scalars(query).unique():
                self.letters[letter.id] = letter

    def ancestors(self, letter: Letter) -> list[int]:
        """Ids from the thread's root down to the letter's parent."""
        root_id = letter.thread_root_id or letter.id
        if root_id not in self.parents:
            rows = db.session.execute(
                select(Letter.id, Letter.in_reply_to_id).where(Letter.thread_root_id == root_id)
            )
            self.parents[root_id] = {letter_id: parent_id for letter_id, parent_id in rows}
        chain: list[int] = []
        parent = self.parents[root_id].get(letter.id)
        while parent is not None and parent not in chain:
            chain.append(parent)
            parent = self.parents[root_id].get(parent)
        return list(reversed(chain))


def notice_message_id(letter_id: int, recipient: str) -> str:
    """Stable per letter and recipient, so that answers can point at it (In-Reply-To)."""
    digest = hashlib.sha256(recipient.lower().encode()).hexdigest()[:16]
    return f"<letter-{letter_id}.{digest}@{mail_domain()}>"


def mail_domain() -> str:
    return current_app.config["MAIL_DEFAULT_SENDER"].rpartition("@")[2] or "localhost"


def list_headers(notice: Notification) -> dict[str, str]:
    """List-Id and RFC 8058 one-click unsubscribe headers for a notice."""
    one_click = unsubscribe_url(notice)
    targets = [f"<{one_click}>"]
    mailto = current_app.config.get("MAIL_UNSUBSCRIBE_ADDRESS")
    if mailto:
        targets.append(f"<mailto:{mailto}?subject=unsubscribe>")
    site = current_app.config["SITE_NAME"]
    return {
        "List-Id": f"{site} <notices.{mail_domain()}>",
        "List-Unsubscribe": ", ".join(targets),
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def letter_notice(notice: Notification, cache: LetterCache) -> Message:
    """The email telling one person about one letter."""
    letter = cache.letters[notice.letter_id]
    ancestry = [notice_message_id(i, notice.recipient) for i in cache.ancestors(letter)]
    message = compose_email(
        "letter_notice",
        notice.recipient,
        subject=SUBJECTS[notice.kind],
        subject_values={"author": letter.author.display_name, "title": letter.title},
        locale=notice.locale,
        sender_name=letter.author.display_name,
        letter=letter,
        kind=notice.kind.value,
        read_url=absolute_letter_url(letter),
        unsubscribe_url=unsubscribe_url(notice),
        manage_url=manage_url(notice.recipient),
    )
    message.msgId = notice_message_id(letter.id, notice.recipient)
    headers = list_headers(notice)
    if ancestry:
        headers["In-Reply-To"] = ancestry[-1]
        headers["References"] = " ".join(ancestry)
    set_headers(message, headers)
    return message


def absolute_letter_url(letter: Letter) -> str:
    return absolute_url("letters.show", slug=letter.slug)


def set_headers(message: Message, headers: dict[str, str]) -> None:
    """Every header value we add is checked: Flask-Mail only checks subject and sender."""
    message.extra_headers = {
        **(message.extra_headers or {}),
        **{name: safe_header_value(value) for name, value in headers.items()},
    }


def digest_notice(notice: Notification, cache: LetterCache) -> Message:
    """One email listing the letters a digest subscriber has not yet been told about."""
    ids = [int(part) for part in notice.letter_ids.split(",") if part]
    cache.load(set(ids))
    letters = [cache.letters[i] for i in ids if i in cache.letters]
    message = compose_email(
        "digest",
        notice.recipient,
        subject=DIGEST_SUBJECT,
        subject_values={"site": current_app.config["SITE_NAME"]},
        locale=notice.locale,
        letters=letters,
        urls={letter.id: absolute_letter_url(letter) for letter in letters},
        unsubscribe_url=unsubscribe_url(notice),
        manage_url=manage_url(notice.recipient),
    )
    message.msgId = f"<digest-{notice.id}@{mail_domain()}>"
    set_headers(message, list_headers(notice))
    return message


def render_notice(notice: Notification, cache: LetterCache) -> tuple[bytes, str]:
    """The bytes to send for an outbox row, and their Message-ID."""
    if notice.raw is not None:
        raw = notice.raw  # composed in the request that caused it (it carries a fresh token)
    else:
        message = (
            digest_notice(notice, cache)
            if notice.kind == NoticeKind.DIGEST
            else (letter_notice(notice, cache))
        )
        raw = message.as_bytes()
    message_id = str(BytesHeaderParser().parsebytes(raw).get("Message-ID", ""))
    return sign_with_dkim(raw), message_id
