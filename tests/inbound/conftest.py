"""An app whose notices take replies, its SMTP server, and the LMTP listener in a thread."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask

from app.accounts.models import User
from app.extensions import db
from app.inbound.lmtp import LMTPListener
from app.letters.models import Letter
from tests.inbound.replying import REPLY_DOMAIN
from tests.mailserver import MailServer, ReceivedMail, free_port


@pytest.fixture
def app(app_factory: Callable[..., Flask], mail_server: MailServer) -> Flask:
    """The shared fixtures' app, here with replies by email and a real SMTP server."""
    return app_factory(REPLY_DOMAIN=REPLY_DOMAIN, **mail_server.settings)


@pytest.fixture
def listener(app: Flask) -> Iterator[LMTPListener]:
    server = LMTPListener(app, "127.0.0.1", free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def sven_and_svenja(app: Flask, make_user: Callable[..., User]) -> tuple[User, User]:
    sven = make_user("Sven Albrecht", email="sven@example.org", handle="sven", locale="de")
    svenja = make_user("Svenja Köhler", email="svenja@example.org", handle="svenja", locale="de")
    return sven, svenja


@pytest.fixture
def notice_to_svenja(
    sven_and_svenja: tuple[User, User],
    make_letter: Callable[..., Letter],
    mail_server: MailServer,
) -> Callable[..., tuple[Letter, ReceivedMail]]:
    """Sven writes Svenja a letter; the notice she gets, as her mail client has it."""

    def write(**fields: Any) -> tuple[Letter, ReceivedMail]:
        sven, svenja = sven_and_svenja
        fields.setdefault("title", "Über Zuhören")
        fields.setdefault("language", "de")
        letter = make_letter(sven, svenja, **fields)
        mails = mail_server.inbox.wait_for(1)
        db.session.commit()
        return letter, [mail for mail in mails if "svenja@example.org" in mail.recipients][-1]

    return write
