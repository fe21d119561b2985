"""Helpers for account tests: links in mail, the development mailbox, old tokens, pictures."""

from __future__ import annotations

import re
import struct
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from io import BytesIO

import pytest
from itsdangerous.timed import TimestampSigner
from PIL import Image
from sqlalchemy import select

from app.extensions import db
from app.mail import parse_raw
from app.notifications.models import MailboxMessage
from tests.conftest import deliver_outbox

SITE_URL = "https://briefe.example.org"

LINK = re.compile(re.escape(SITE_URL) + r"/\S+")


def link_in(text: str) -> str:
    """The one site link a mail's text carries, as a path the test client can open."""
    links = LINK.findall(text)
    assert len(links) == 1, f"expected one link in the mail, found {links}"
    return links[0].removeprefix(SITE_URL)


def mailbox_messages() -> list[EmailMessage]:
    """What the development mailbox kept (no MAIL_SERVER), oldest first, once sent."""
    deliver_outbox()
    rows = db.session.scalars(select(MailboxMessage).order_by(MailboxMessage.id))
    return [parse_raw(row.raw) for row in rows]


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part else ""


@pytest.fixture
def mailbox() -> Callable[[], list[EmailMessage]]:
    return mailbox_messages


@pytest.fixture
def issued_days_ago(monkeypatch: pytest.MonkeyPatch) -> Callable[[float], object]:
    """`with issued_days_ago(8): ...` signs every token made inside as if that long ago."""

    @contextmanager
    def backdated(days: float) -> Iterator[None]:
        then = int(time.time() - days * 86400)
        with monkeypatch.context() as patch:
            patch.setattr(TimestampSigner, "get_timestamp", lambda _self: then)
            yield

    return backdated


def jpeg_bytes(width: int = 800, height: int = 500) -> bytes:
    """A real photo-like JPEG: a colour gradient."""
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    out = BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims the given size but whose pixels never come (a bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )
