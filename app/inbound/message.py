"""An incoming message, read defensively: whatever its headers hold, reading them never raises."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from email import policy
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.parser import BytesParser
from typing import cast

from email_validator import EmailNotValidError, validate_email

from app.accounts.service import normalise_email

# Longer Message-IDs are not kept as they are: the digest of the message stands in.
MESSAGE_KEY_LENGTH = 255


class HeadersParsedOnce(HeaderRegistry):
    """The header objects of one message, each parsed once, however often it is read.

    The email package parses a header anew on every read, and finding the body reads each
    part's Content-Type and Content-Disposition many times over. The objects are immutable;
    one registry serves one message, so nothing outlives it.
    """

    def __init__(self) -> None:
        super().__init__()
        self.parsed: dict[tuple[str, str], BaseHeader] = {}

    def __call__(self, name: str, value: str) -> BaseHeader:
        key = (name, value)
        if key not in self.parsed:
            self.parsed[key] = super().__call__(name, value)
        return self.parsed[key]


@dataclass(frozen=True)
class IncomingMail:
    """The parsed message and what the delivery said about it (the envelope sender)."""

    raw: bytes
    message: EmailMessage
    # The envelope sender (MAIL FROM or Return-Path): "" for bounces and many auto-replies.
    envelope_sender: str | None

    @classmethod
    def parse(cls, raw: bytes, envelope_sender: str | None = None) -> IncomingMail:
        parsing = policy.default.clone(header_factory=HeadersParsedOnce())
        message = cast(EmailMessage, BytesParser(policy=parsing).parsebytes(raw))
        if envelope_sender is None:
            envelope_sender = read_header(message, "Return-Path")
        return cls(raw, message, envelope_sender)

    @property
    def message_key(self) -> str:
        """The Message-ID, or a digest of the whole message when it has none usable."""
        message_id = read_header(self.message, "Message-ID") or ""
        message_id = message_id.strip()
        if message_id and len(message_id) <= MESSAGE_KEY_LENGTH and message_id.isprintable():
            return message_id
        return "sha256:" + hashlib.sha256(self.raw).hexdigest()

    @property
    def from_address(self) -> str | None:
        """The one address of the one From header (the display name is not looked at)."""
        try:
            headers = self.message.get_all("From") or []
            if len(headers) != 1:
                return None
            addresses = headers[0].addresses
        except Exception:  # noqa: BLE001 — a header the parser cannot take apart names nobody
            return None
        if len(addresses) != 1 or not addresses[0].addr_spec:
            return None
        return addresses[0].addr_spec

    @property
    def subject(self) -> str:
        return read_header(self.message, "Subject") or ""


def read_header(message: EmailMessage, name: str) -> str | None:
    """A header as text; None when it is missing or cannot be decoded at all."""
    try:
        value = message.get(name)
        return None if value is None else str(value)
    except Exception:  # noqa: BLE001 — broken encodings and bad syntax: as if it were absent
        return None


def comparable_address(address: str) -> str | None:
    """local@domain in ASCII (IDN) and lower-case, as the site keeps every address.

    None for anything that is not a mailbox address.
    """
    try:
        valid = validate_email(address, check_deliverability=False, allow_smtputf8=True)
    except (EmailNotValidError, UnicodeError, ValueError):
        return None
    return normalise_email(f"{valid.local_part}@{valid.ascii_domain}")


def same_address(first: str, second: str) -> bool:
    """Whether two addresses name one mailbox for the site: case-insensitively, IDN-aware."""
    left, right = comparable_address(first), comparable_address(second)
    return left is not None and left == right


def address_domain(address: str) -> str:
    comparable = comparable_address(address)
    return comparable.rpartition("@")[2] if comparable else ""
