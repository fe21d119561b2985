"""Webmentions are tested against real HTTP: a page server on loopback plays the other site."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask

from tests.support import sign_in
from tests.webmentions.page_server import PageServer, running_page_server

# The other site is on this machine: tests allow loopback addresses, except where they
# check that they are refused. The slow-server tests shorten the timeouts themselves.
SETTINGS = {"WEBMENTION_ALLOW_PRIVATE": True, "WEBMENTION_SEND": True,
            "WEBMENTION_TIMEOUT_SECONDS": 5}  # fmt: skip


@pytest.fixture
def app(app_factory: Callable[..., Flask]) -> Flask:
    return app_factory(**SETTINGS)


@pytest.fixture
def elsewhere() -> Iterator[PageServer]:
    """The other site."""
    yield from running_page_server()


@pytest.fixture
def admin_client(app: Flask, make_user: Callable[..., Any]) -> Any:
    """A client signed in as an admin."""
    client = app.test_client()
    sign_in(client, make_user(is_admin=True))
    return client
