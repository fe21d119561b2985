"""Every page type rendered with realistic content, for the HTML and accessibility checkers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.accounts.service import user_by_email
from app.demo import DEMO_PASSWORD, load_demo_data
from app.letters.service import letter_by_slug, withdraw_letter
from app.notifications.models import NoticeKind, Notification
from app.subscriptions.models import Target
from app.subscriptions.tokens import manage_token, unsubscribe_token
from tests.conftest import login

CHECKERS = Path(__file__).resolve().parent / "node_modules"
VNU_JAR = CHECKERS / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = CHECKERS / "axe-core" / "axe.min.js"


@dataclass
class PageSet:
    """Paths of every page type, and who must be signed in to see each."""

    anonymous: dict[str, str]
    signed_in: dict[str, str]


@pytest.fixture
def site(app: Flask, subscribe: Callable[..., object]) -> PageSet:
    """The demo correspondences plus a withdrawn letter and a subscription."""
    load_demo_data()
    sven = user_by_email("sven@example.org")
    subscription = subscribe("reader@example.org", Target.AUTHOR, sven.id)
    withdraw_letter(letter_by_slug("three-reviews-later"))
    notice = Notification(
        recipient="reader@example.org",
        kind=NoticeKind.SUBSCRIPTION,
        subscription_id=subscription.id,
    )
    token = manage_token("reader@example.org")
    return PageSet(
        anonymous={
            "front": "/",
            "letter": "/letters/on-writing-things-down",
            "letter-de": "/letters/warum-wir-wieder-briefe-schreiben-sollten",
            "thread": "/threads/on-writing-things-down",
            "author": f"/@{sven.handle}",
            "tag": "/tags/design",
            "search": "/search?q=decisions",
            "search-empty": "/search?q=%22",
            "login": "/auth/login",
            "reset": "/auth/reset",
            "subscribe": "/subscribe",
            "manage": f"/subscriptions/{token}",
            "unsubscribe": f"/unsubscribe/{unsubscribe_token(notice)}",
            "not-found": "/letters/does-not-exist",
            "withdrawn": "/letters/three-reviews-later",
            "history": "/letters/on-writing-things-down/history",
        },
        signed_in={
            "write": "/letters/new?to=svenja",
            "reply": "/letters/on-writing-things-down/reply",
            "edit": "/letters/warum-wir-wieder-briefe-schreiben-sollten/edit",
            "settings": "/settings",
            "notice-settings": "/settings/notifications",
            "admin": "/admin",
            "deliveries": "/admin/deliveries",
            "mailbox": "/dev/mailbox",
        },
    )


def sign_in_as_sven(client: FlaskClient) -> None:
    login(client, user_by_email("sven@example.org"), DEMO_PASSWORD)
