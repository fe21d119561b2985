"""Fixtures for account tests: the development mailbox and tokens issued days ago."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.message import EmailMessage

import pytest
from itsdangerous.timed import TimestampSigner

from tests.support import mailbox_messages


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
