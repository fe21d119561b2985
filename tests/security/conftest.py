"""Helpers for the security tests: a complete write form and checks for styled pages."""

from __future__ import annotations

import contextvars
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse, encode_multipart

from app.extensions import db
from tests.conftest import letter_form  # noqa: F401  (used by the security tests)

LETTER_TEXT_FIELDS = ("title", "salutation", "body", "closing", "signature", "postscript")


def multipart(fields: dict[str, Any]) -> dict[str, Any]:
    """A multipart/form-data body built in memory.

    The test client spools large multipart bodies to a temporary file that nobody closes when
    the app refuses the request early, and pytest turns that ResourceWarning into an error.
    """
    boundary, body = encode_multipart(fields)
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def assert_styled(response: TestResponse, status: int) -> str:
    """The response has the status and is a page of the site (its layout), not a bare error."""
    html = response.get_data(as_text=True)
    assert response.status_code == status, html[:2000]
    assert response.mimetype == "text/html"
    assert 'class="site-header"' in html and '<main id="main">' in html, html[:2000]
    return html


class ServerLikeClient(FlaskClient):
    """A test client whose every request runs as under a server: in a fresh app context.

    The shared fixtures keep an app context pushed for the whole test, and Flask reuses it for
    each request, so `g` (the signed-in user, the CSRF token) and the database session's
    identity map would carry over from request to request, and even from one client to
    another, hiding queries and mixing up who is signed in.
    """

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        # End the test's own transaction first: on SQLite it holds the write lock.
        db.session.commit()
        return contextvars.Context().run(super().open, *args, **kwargs)


def server_like_client(app: Flask) -> ServerLikeClient:
    return ServerLikeClient(app, app.response_class, use_cookies=True)


@pytest.fixture
def writer(make_user: Any, client: Any) -> Any:
    """A signed-in colleague, ready to write."""
    from tests.conftest import login

    user = make_user("Sven Albrecht", handle="sven")
    login(client, user)
    return user
