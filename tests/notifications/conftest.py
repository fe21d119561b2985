"""Notices are sent to a real SMTP server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask


@pytest.fixture
def app(app_factory: Callable[..., Flask], mail_server: Any) -> Flask:
    return app_factory(**mail_server.settings)
