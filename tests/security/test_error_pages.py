"""Errors are pages of the site: styled, with their headers, and without internals."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from app.extensions import db, login_manager
from tests.support import assert_styled, server_like_client, sign_in


def fail() -> str:
    raise RuntimeError("internal detail 7f3a")


def fail_after_a_failed_statement() -> str:
    try:
        db.session.execute(text("SELECT * FROM no_such_table"))
    except Exception:  # the view goes on, as careless code would
        pass
    raise RuntimeError("internal detail 7f3a")


def database_busy() -> str:
    raise OperationalError("UPDATE users …", {}, Exception("database is locked"))


@pytest.fixture
def failing_app(app_factory, monkeypatch) -> Flask:
    """The app as in production (exceptions become 500 pages) with two views that fail."""
    app = app_factory(TESTING=False, PROPAGATE_EXCEPTIONS=False)
    app.add_url_rule("/fail", "fail", fail)
    app.add_url_rule("/fail-after-sql", "fail_after_sql", fail_after_a_failed_statement)
    app.add_url_rule("/busy", "busy", database_busy)
    # The traceback is expected here, not news. The logger is shared by every app of the
    # test run, so it is switched back on afterwards.
    monkeypatch.setattr(app.logger, "disabled", True)
    return app


def signed_in_client(app: Flask, make_user):
    user = make_user(email="sven@example.org")
    client = server_like_client(app)
    sign_in(client, user)
    return client


@pytest.mark.parametrize("path", ["/fail", "/fail-after-sql"])
def test_server_error_is_a_styled_page_without_details(failing_app, make_user, path):
    client = signed_in_client(failing_app, make_user)
    html = assert_styled(client.get(path), 500)
    assert "Something went wrong" in html
    assert "7f3a" not in html and "Traceback" not in html
    assert 'href="/settings"' in html  # the layout still knows who is signed in


def test_server_error_page_survives_a_failing_database(failing_app, make_user, monkeypatch):
    client = signed_in_client(failing_app, make_user)

    def database_down(_session_id: str) -> None:
        raise OperationalError("SELECT users …", {}, Exception("connection refused"))

    monkeypatch.setattr(login_manager, "_user_callback", database_down)
    response = client.get("/fail")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in html and 'class="site-header"' in html
    assert "connection refused" not in html and "7f3a" not in html
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]


def test_database_trouble_is_a_styled_503_to_try_again(failing_app, make_user):
    client = signed_in_client(failing_app, make_user)
    response = client.get("/busy")
    html = assert_styled(response, 503)
    assert "try again in a moment" in html and "database is locked" not in html
    assert int(response.headers["Retry-After"]) > 0


def test_too_many_attempts_is_a_styled_429_with_retry_after(app_factory, make_user):
    limited = app_factory(RATELIMIT_ENABLED=True, LOGIN_LIMIT_PER_IP="2 per minute")
    client = server_like_client(limited)
    for _attempt in range(2):
        client.post("/auth/login", data={"email": "x@example.org", "password": "wrong"})
    response = client.post("/auth/login", data={"email": "x@example.org", "password": "wrong"})
    html = assert_styled(response, 429)
    assert "Too many attempts" in html
    assert int(response.headers["Retry-After"]) > 0


def test_styled_400_for_a_bad_query_keeps_the_layouts_links_working(client):
    """The error page links back (sign-in "next", language links) without the refused bytes."""
    response = client.get("/letters/x", environ_overrides={"QUERY_STRING": "q=%ff\xff"})
    html = assert_styled(response, 400)
    assert 'href="/language/de?next=/letters/x"' in html
    assert "\ufffd" not in html and "%ff" not in html.lower()
