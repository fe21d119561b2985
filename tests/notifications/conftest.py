"""Fixtures for notices: an app that sends to a real SMTP server, and the sender."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from app.extensions import db
from app.notifications.models import Notification
from app.notifications.sender import run_once
from app.subscriptions.models import Frequency, Subscription, Target
from app.database import utc_now


@pytest.fixture
def app(app_factory: Callable[..., Flask], mail_server: Any) -> Flask:
    return app_factory(**mail_server.settings)


@pytest.fixture
def send_notices(app: Flask) -> Callable[[], int]:
    """Run the sender once, as `flask notify run --once` does."""

    def send() -> int:
        sent = run_once()
        db.session.expire_all()
        return sent

    return send


@pytest.fixture
def subscribe(app: Flask) -> Callable[..., Subscription]:
    """A confirmed subscription, as if the confirmation link had been followed."""

    def make(email: str, target: Target = Target.SITE, target_id: int = 0,
             frequency: Frequency = Frequency.INSTANT, **fields: Any) -> Subscription:
        subscription = Subscription(email=email, target=target, target_id=target_id,
                                    frequency=frequency, confirmed_at=utc_now(), **fields)
        db.session.add(subscription)
        db.session.commit()
        return subscription

    return make


def all_notices() -> list[Notification]:
    return list(db.session.scalars(db.select(Notification).order_by(Notification.id)))
