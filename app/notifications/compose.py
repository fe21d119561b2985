"""Render an outbox row into the email a mail client shows: parts, threading, unsubscribe."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import astuple, dataclass, field, replace
from email.parser import BytesHeaderParser

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_mail import Message
from sqlalchemy import select

from app.extensions import db
from app.letters.models import Letter
from app.letters.queries import with_people
from app.mail import compose_email, header_phrase, safe_address, safe_header_value
from app.notifications.dkim import sign_with_dkim
from app.notifications.letter_in_mail import LetterInMail, letter_in_mail
from app.notifications.models import LetterEvent
from app.notifications.reply_address import replies_by_email, reply_address, reply_token
from app.outbox import COMPOSED_IN_REQUEST, Notice, NoticeKind
from app.subscriptions.tokens import manage_token, manage_url, unsubscribe_token, unsubscribe_url
from app.web import absolute_url

SUBJECTS = {
    NoticeKind.LETTER_TO_YOU: _l("%(author)s wrote you an open letter: %(title)s"),
    NoticeKind.REPLY_TO_YOU: _l("%(author)s answered your letter: %(title)s"),
    NoticeKind.THREAD_REPLY: _l("New letter in a correspondence you wrote in: %(title)s"),
    NoticeKind.SUBSCRIPTION: _l("New letter from %(author)s: %(title)s"),
    NoticeKind.SIGNED_ANSWER: _l("%(author)s answered a letter you signed: %(title)s"),
}
DIGEST_SUBJECT = _l("Your digest from %(site)s: new letters")


@dataclass
class LetterCache:
    """Letters and their ancestry for one batch, loaded with few queries."""

    letters: dict[int, Letter] = field(default_factory=dict)
    parents: dict[int, dict[int, int | None]] = field(default_factory=dict)
    skeletons: dict[tuple[int, NoticeKind, str, str, bool], bytes | None] = field(
        default_factory=dict
    )
    # Each letter's text for email, by letter and locale (image links are named in it).
    texts_for_mail: dict[tuple[int, str], LetterInMail] = field(default_factory=dict)
    # The author's name at publishing, by event and by letter (its latest event).
    names_by_event: dict[int, str] = field(default_factory=dict)
    names_by_letter: dict[int, str] = field(default_factory=dict)

    def load(self, letter_ids: set[int]) -> None:
        missing = letter_ids - self.letters.keys()
        if missing:
            # populate_existing: the fan-out may have loaded these rows without their people
            query = with_people(select(Letter).where(Letter.id.in_(missing))).execution_options(
                populate_existing=True
            )
            for letter in db.session.scalars(query).unique():
                self.letters[letter.id] = letter
            self.load_names_at_publishing(missing)

    def load_names_at_publishing(self, letter_ids: set[int]) -> None:
        """The names the events of these letters recorded (older events recorded none)."""
        rows = db.session.execute(
            select(LetterEvent.id, LetterEvent.letter_id, LetterEvent.author_name)
            .where(LetterEvent.letter_id.in_(letter_ids), LetterEvent.author_name != "")
            .order_by(LetterEvent.id)
        )
        for event_id, letter_id, name in rows:
            self.names_by_event[event_id] = name
            self.names_by_letter[letter_id] = name

    def author_name(self, letter: Letter, event_id: int | None = None) -> str:
        """The name the author published under, else (older events) their current one."""
        recorded = self.names_by_event.get(event_id) if event_id is not None else None
        return recorded or self.names_by_letter.get(letter.id) or letter.author.display_name

    def letter_in_mail(self, letter: Letter, locale: str) -> LetterInMail:
        """The letter's text for a notice, worked out once per batch for each language."""
        key = (letter.id, locale)
        if key not in self.texts_for_mail:
            with force_locale(locale):
                self.texts_for_mail[key] = letter_in_mail(letter, absolute_letter_url(letter))
        return self.texts_for_mail[key]

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


@dataclass(frozen=True)
class Personal:
    """What differs between the copies of one notice: address, hash and signed links."""

    recipient: str
    recipient_hash: str
    unsubscribe_token: str
    manage_token: str
    # Empty without REPLY_DOMAIN: the notice then has no reply address at all.
    reply_token: str = ""

    def replacements(self) -> list[tuple[bytes, bytes]]:
        values = astuple(self)
        pairs = zip(STAND_INS, values, strict=True)
        return [(before, after.encode()) for before, after in pairs if after]


# Stand-ins rendered once per letter, kind and language, then replaced in each copy:
# templates are rendered once for 10,000 subscribers, not 10,000 times. The notice carries
# the writer's whole letter, so the stand-ins must be nothing a writer can type: a fixed
# one written into a link would become each reader's own manage or unsubscribe token.
_UNGUESSABLE = secrets.token_hex(8)
PLACEHOLDERS = Personal(
    f"recipient-{_UNGUESSABLE}@personal.invalid",
    secrets.token_hex(8),
    f"PERSONAL-UNSUBSCRIBE-{_UNGUESSABLE}",
    f"PERSONAL-MANAGE-{_UNGUESSABLE}",
    f"PERSONAL-REPLY-{_UNGUESSABLE}",
)


STAND_INS = tuple(value.encode() for value in astuple(PLACEHOLDERS))


def personal_values(notice: Notice) -> Personal:
    return Personal(
        safe_address(notice.recipient),  # copies get it by replacement, past compose_email
        recipient_hash(notice.recipient),
        unsubscribe_token(notice),
        manage_token(notice.recipient),
        reply_token(notice.id, notice.letter_id) if replies_by_email() and notice.letter_id else "",
    )


def stand_ins() -> Personal:
    """The stand-ins of a shared rendering; the reply one only where notices take replies."""
    return PLACEHOLDERS if replies_by_email() else replace(PLACEHOLDERS, reply_token="")


def recipient_hash(recipient: str) -> str:
    return hashlib.sha256(recipient.lower().encode()).hexdigest()[:16]


def message_id_for(letter_id: int, hashed_recipient: str) -> str:
    """Stable per letter and recipient, so that answers can point at it (In-Reply-To)."""
    return f"<letter-{letter_id}.{hashed_recipient}@{mail_domain()}>"


def mail_domain() -> str:
    return current_app.config["MAIL_DEFAULT_SENDER"].rpartition("@")[2] or "localhost"


def list_headers(unsubscribe_link: str) -> dict[str, str]:
    """List-Id and RFC 8058 one-click unsubscribe headers for a notice."""
    targets = [f"<{unsubscribe_link}>"]
    mailto = current_app.config.get("MAIL_UNSUBSCRIBE_ADDRESS")
    if mailto:
        targets.append(f"<mailto:{mailto}?subject=unsubscribe>")
    site = current_app.config["SITE_NAME"]
    return {
        "List-Id": f"{header_phrase(site)} <notices.{mail_domain()}>",
        "List-Unsubscribe": ", ".join(targets),
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def letter_notice(letter: Letter, kind: NoticeKind, locale: str, personal: Personal,
                  cache: LetterCache, author_name: str | None = None,
                  whole_letter: bool = True) -> Message:  # fmt: skip
    """The email telling one person about one letter, under the author's name at publishing.

    It carries the whole letter, or (the recipient's choice) its beginning.
    """
    author_name = author_name or cache.author_name(letter)
    unsubscribe_link = absolute_url("subscriptions.unsubscribe", token=personal.unsubscribe_token)
    message = compose_email(
        "letter_notice",
        personal.recipient,
        subject=SUBJECTS[kind],
        subject_values={"author": author_name, "title": letter.title},
        locale=locale,
        sender_name=author_name,
        letter=letter,
        author_name=author_name,
        kind=kind.value,
        read_url=absolute_letter_url(letter),
        whole=cache.letter_in_mail(letter, locale) if whole_letter else None,
        unsubscribe_url=unsubscribe_link,
        manage_url=absolute_url("subscriptions.manage", token=personal.manage_token),
        reply_by_email=bool(personal.reply_token),
    )
    message.msgId = message_id_for(letter.id, personal.recipient_hash)
    headers = list_headers(unsubscribe_link)
    if personal.reply_token:
        # A reply from the mail client answers the letter (app.inbound takes it).
        headers["Reply-To"] = reply_address(personal.reply_token)
    ancestry = [message_id_for(i, personal.recipient_hash) for i in cache.ancestors(letter)]
    if ancestry:
        headers["In-Reply-To"] = ancestry[-1]
        headers["References"] = " ".join(ancestry)
    set_headers(message, headers)
    return message


def letter_notice_bytes(notice: Notice, cache: LetterCache) -> tuple[bytes, str]:
    """The notice for one recipient, from the rendering shared by everyone told alike."""
    letter = cache.letters[notice.letter_id]
    personal = personal_values(notice)
    author_name = cache.author_name(letter, notice.event_id)
    whole_letter = notice.whole_letter
    key = (letter.id, notice.kind, notice.locale, author_name, whole_letter)
    if key not in cache.skeletons:
        skeleton = letter_notice(
            letter, notice.kind, notice.locale, stand_ins(), cache, author_name, whole_letter
        )
        raw = skeleton.as_bytes()
        # Only if every stand-in survived encoding verbatim can copies be made from it.
        usable = all(before in raw for before, _ in personal.replacements())
        cache.skeletons[key] = raw if usable else None
    message_id = message_id_for(letter.id, personal.recipient_hash)
    raw = cache.skeletons[key]
    if raw is None:
        message = letter_notice(
            letter, notice.kind, notice.locale, personal, cache, author_name, whole_letter
        )
        return message.as_bytes(), message_id
    for before, after in personal.replacements():
        raw = raw.replace(before, after)
    return raw, message_id


def absolute_letter_url(letter: Letter) -> str:
    return absolute_url("letters.show", slug=letter.slug)


def set_headers(message: Message, headers: dict[str, str]) -> None:
    """Every header value we add is checked: Flask-Mail only checks subject and sender."""
    message.extra_headers = {
        **(message.extra_headers or {}),
        **{name: safe_header_value(value) for name, value in headers.items()},
    }


def digest_notice(notice: Notice, cache: LetterCache) -> Message:
    """One email listing the letters a digest subscriber has not yet been told about."""
    ids = notice.listed_letter_ids
    cache.load(set(ids))
    # A letter withdrawn or hidden since the digest was queued is left out.
    letters = [
        cache.letters[i] for i in ids if i in cache.letters and cache.letters[i].is_published
    ]
    unsubscribe_link = unsubscribe_url(notice)
    message = compose_email(
        "digest",
        notice.recipient,
        subject=DIGEST_SUBJECT,
        subject_values={"site": current_app.config["SITE_NAME"]},
        locale=notice.locale,
        letters=letters,
        urls={letter.id: absolute_letter_url(letter) for letter in letters},
        author_names={letter.id: cache.author_name(letter) for letter in letters},
        unsubscribe_url=unsubscribe_link,
        manage_url=manage_url(notice.recipient),
    )
    message.msgId = f"<digest-{notice.id}@{mail_domain()}>"
    set_headers(message, list_headers(unsubscribe_link))
    return message


def render_notice(notice: Notice, cache: LetterCache) -> tuple[bytes, str]:
    """The bytes to send for an outbox row, and their Message-ID."""
    if notice.kind != NoticeKind.DIGEST and notice.kind not in COMPOSED_IN_REQUEST:
        raw, message_id = letter_notice_bytes(notice, cache)
        return sign_with_dkim(raw), message_id
    if notice.raw is not None:
        raw = notice.raw  # composed in the request that caused it (it carries a fresh token)
    else:
        raw = digest_notice(notice, cache).as_bytes()
    message_id = str(BytesHeaderParser().parsebytes(raw).get("Message-ID", ""))
    return sign_with_dkim(raw), message_id
