"""Compose an email from its pair of templates, with safe headers, and queue it."""

from __future__ import annotations

import re
from datetime import timedelta
from email import message_from_bytes
from email.charset import QP, Charset
from email.header import Header
from email.message import EmailMessage
from email.mime.base import MIMEBase
from email.mime.text import MIMEText
from email.policy import SMTP, compat32
from email.utils import make_msgid
from typing import cast

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel.speaklater import LazyString
from flask_mail import Message
from sqlalchemy import func, select

from app.database import utc_now
from app.extensions import db
from app.outbox import ACCOUNT_PRIORITY, Notice, NoticeKind

# Every control character (C0 with tab, CR and LF; DEL; C1 with NEL) and the Unicode line
# and paragraph separators: some readers end a header line at any of them.
FORBIDDEN_IN_HEADERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# A reader decodes "=?charset?q?...?=" anywhere in a header, CR and LF included: text that
# holds it is encoded by us, so that a mail client shows the characters as they were typed.
ENCODED_WORD_START = "=?"
# RFC 5322 specials: a display name holding one must be a quoted string.
SPECIALS = re.compile(r'[][\\()<>@,:;".]')


# Generated with compat32, CRLF and folding only past RFC 5322's 998 characters: headers come
# out as we built them (the default
# policy turns a long unbroken List-Unsubscribe URL into encoded words that mail clients
# cannot use), and it is several times faster than re-parsing every header.
AS_BUILT = compat32.clone(linesep="\r\n", max_line_length=998)


# SMTP refuses a line of more than 998 octets (RFC 5321 4.5.3.1.6); Flask-Mail sends UTF-8
# text as 8bit, line by line as written.
LONGEST_LINE = 998
QUOTED_PRINTABLE_UTF8 = Charset("utf-8")
QUOTED_PRINTABLE_UTF8.body_encoding = QP


class NoticeMessage(Message):
    """Flask-Mail's message, generated without refolding the headers we set."""

    def _message(self) -> MIMEBase:
        built = super()._message()
        built.policy = AS_BUILT
        return built

    def _mimetext(self, text: str | None, subtype: str = "plain") -> MIMEText:
        """A part as Flask-Mail makes it; quoted-printable where a line is too long for SMTP.

        Letters are folded into short lines before they get here; a line that cannot be
        (a very long address, a line of code) must not make the whole email undeliverable.
        """
        if text and any(len(line.encode()) > LONGEST_LINE for line in text.splitlines()):
            return MIMEText(text, _subtype=subtype, _charset=QUOTED_PRINTABLE_UTF8)
        return super()._mimetext(text, subtype)


class UnsafeHeaderError(ValueError):
    """A header value that could end the header and start another."""


def safe_header_value(value: str) -> str:
    """Refuse any value that could add a header; every header we set passes through here."""
    if FORBIDDEN_IN_HEADERS.search(value):
        raise UnsafeHeaderError(f"line break or control character in header value {value!r}")
    return value


def safe_address(address: str) -> str:
    """Refuse an address a reader would decode: an encoded word cannot be escaped there."""
    if ENCODED_WORD_START in address:
        raise UnsafeHeaderError(f"encoded-word syntax in address {address!r}")
    return safe_header_value(address)


def one_line(value: str) -> str:
    """Fold user-written text (a name, a title) into a single header-safe line."""
    return " ".join(FORBIDDEN_IN_HEADERS.sub(" ", value).split())


def needs_encoding(text: str) -> bool:
    """Whether a reader would not show this text as it is: not ASCII, or an encoded word."""
    return not text.isascii() or ENCODED_WORD_START in text


def header_text(value: str) -> str:
    """User text as one header line that every reader decodes back to exactly this text.

    Plain ASCII stays as it is; anything else becomes RFC 2047 encoded words on one line
    (the generator folds past 998 characters), so "=?...?=" typed by a user is shown, never
    decoded.
    """
    text = one_line(value)
    if not needs_encoding(text):
        return text
    return Header(text, "utf-8").encode(linesep="")


def header_phrase(value: str) -> str:
    """A display name before an <address> (List-Id): encoded words, a quoted string or atoms."""
    text = one_line(value)
    if needs_encoding(text):
        return header_text(text)
    return quoted_string(text) if SPECIALS.search(text) else text


def quoted_string(text: str) -> str:
    """RFC 5322 quoted-string: backslashes and double quotes escaped."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def quoted_address(name: str, address: str) -> str:
    """'"Name" <address>' with the name quoted, so that Flask-Mail parses it back intact.

    Flask-Mail re-parses the sender before encoding it: an unquoted name with ":" or "@"
    would be taken apart, and one encoded by formataddr would be encoded twice.
    """
    return f"{quoted_string(one_line(name))} <{safe_header_value(address)}>"


def compose_email(
    template: str,
    recipient: str,
    subject: str | LazyString,
    locale: str = "en",
    sender_name: str | None = None,
    subject_values: dict[str, str] | None = None,
    **context: object,
) -> Message:
    """A multipart message from templates/email/<template>.txt and .html, in the locale.

    A lazy subject is translated here, in the recipient's language, then filled in.
    """
    with force_locale(locale):
        subject = str(subject) % subject_values if subject_values else str(subject)
        # Every email names where it came from, with the imprint and privacy statement.
        text = render_template(f"email/{template}.txt", **context).rstrip("\n") + "\n\n"
        text += render_template("email/_footer.txt")
        html = render_template(f"email/{template}.html", **context)
    site_name = current_app.config["SITE_NAME"]
    sender_address = current_app.config["MAIL_DEFAULT_SENDER"]
    display = f"{one_line(sender_name)} via {site_name}" if sender_name else site_name
    domain = sender_address.rpartition("@")[2] or "localhost"
    message = NoticeMessage(
        subject=safe_header_value(header_text(subject)),
        recipients=[safe_address(recipient)],
        body=text,
        html=html,
        sender=quoted_address(display, sender_address),
    )
    message.msgId = make_msgid(domain=domain)
    return message


def queue_email(
    message: Message, locale: str = "en", kind: NoticeKind = NoticeKind.ACCOUNT
) -> None:
    """Queue a composed email in the outbox, ahead of notices; the sender delivers it.

    Written in the caller's transaction: the mail exists exactly when the change that
    caused it was committed, and a mail server that is down delays it instead of failing
    the request.
    """
    db.session.add(
        Notice(
            recipient=message.recipients[0],
            kind=kind,
            locale=locale,
            raw=message.as_bytes(),
            priority=ACCOUNT_PRIORITY,
        )
    )


def queued_in_the_last_day(recipient: str, kind: NoticeKind) -> int:
    """How many emails of this kind were queued for the address in the last 24 hours.

    Confirmation mails are limited per address and day with it, so that a form cannot flood
    someone else's inbox.
    """
    since = utc_now() - timedelta(days=1)
    query = select(func.count()).where(
        Notice.recipient == recipient, Notice.kind == kind, Notice.created_at > since
    )
    return db.session.scalar(query) or 0


def parse_raw(raw: bytes) -> EmailMessage:
    """A stored message, parsed as a mail client would."""
    return cast(EmailMessage, message_from_bytes(raw, policy=SMTP))
