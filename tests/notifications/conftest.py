"""Fixtures for notices: an app that sends to a real SMTP server, and the sender."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from app.extensions import db
from app.outbox import Notice


@pytest.fixture
def app(app_factory: Callable[..., Flask], mail_server: Any) -> Flask:
    return app_factory(**mail_server.settings)


def all_notices() -> list[Notice]:
    return list(db.session.scalars(db.select(Notice).order_by(Notice.id)))
