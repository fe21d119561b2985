"""Security headers on every kind of response, safe cookies, and email links from SITE_URL."""

from __future__ import annotations

import io
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from app import create_app
from app.config import build_config
from app.extensions import db
from app.mail import parse_raw
from app.notifications.models import MailboxMessage
from app.web import absolute_url
from tests.support import (
    ServerLikeClient,
    config_for_tests,
    database_url,
    deliver_outbox,
    multipart,
    server_like_client,
    sign_in,
)

SITE_URL = "https://briefe.example.org"
EVIL = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}


def png_upload() -> FileStorage:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "#7a3e48").save(out, format="PNG")
    out.seek(0)
    return FileStorage(out, filename="me.png", content_type="image/png")


@pytest.fixture
def reader(app: Flask) -> ServerLikeClient:
    return server_like_client(app)


@pytest.fixture
def svenja(app, make_user, reader):
    """A colleague with an uploaded picture."""
    user = make_user("Svenja Köhler", handle="svenja", email="svenja@example.org")
    sign_in(reader, user)
    upload = reader.post("/settings/avatar", **multipart({"avatar": png_upload()}))
    assert upload.status_code == 302, upload.get_data(as_text=True)
    reader.post("/auth/logout")
    return user


def every_kind_of_response(client: ServerLikeClient, svenja, letter_slug: str) -> dict[str, object]:
    avatar = client.get("/@svenja").get_data(as_text=True).split('class="avatar" src="')[1]
    return {
        "front page": client.get("/"),
        "letter page": client.get(f"/letters/{letter_slug}"),
        "not found": client.get("/letters/no-such-letter"),
        "method not allowed": client.put("/letters/new"),
        "bad request": client.get("/?q=%00"),
        "redirect": client.get("/letters/new"),
        "static file": client.get("/static/css/site.css"),
        "uploaded avatar": client.get(avatar.split('"')[0]),
        "initials avatar": client.get("/@svenja/initials.svg"),
        "health check": client.get("/healthz"),
    }


def test_security_headers_on_every_kind_of_response(reader, svenja, make_letter):
    letter = make_letter(svenja, title="Headers")
    responses = every_kind_of_response(reader, svenja, letter.slug)
    assert responses["uploaded avatar"].mimetype == "image/png"
    for response in responses.values():
        response.close()  # a static file is streamed from an open file
    for kind, response in responses.items():
        headers = response.headers
        policy = headers.get("Content-Security-Policy", "")
        assert "default-src 'self'" in policy, kind
        assert "frame-ancestors 'none'" in policy, kind
        assert "object-src 'none'" in policy and "base-uri" in policy, kind
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, kind
        assert headers.get("X-Content-Type-Options") == "nosniff", kind
        assert headers.get("Referrer-Policy") in (
            "no-referrer",
            "same-origin",
            "strict-origin",
            "strict-origin-when-cross-origin",
        ), kind


def set_cookies(response) -> dict[str, SimpleCookie]:
    cookies = {}
    for header in response.headers.getlist("Set-Cookie"):
        cookie = SimpleCookie()
        cookie.load(header)
        for name, morsel in cookie.items():
            cookies[name] = morsel
    return cookies


def test_session_and_remember_cookies_are_httponly_and_lax(reader, make_user):
    user = make_user(email="sven@example.org")
    cookies = set_cookies(sign_in(reader, user, remember=True))
    assert {"session", "remember_token"} <= set(cookies)
    for name in ("session", "remember_token"):
        assert cookies[name]["httponly"], name
        assert cookies[name]["samesite"] == "Lax", name
    language = set_cookies(reader.post("/language", data={"lang": "de", "next": "/"}))["lang"]
    assert language["httponly"] and language["samesite"] == "Lax"


@pytest.fixture
def production_app(app: Flask, backend: str, tmp_path: Path) -> Iterator[Flask]:
    """The app configured as in production: an https SITE_URL, no debug, no cookie override."""
    config = config_for_tests(database_url(backend, tmp_path), SITE_URL=SITE_URL, DEBUG=False)
    del config["SESSION_COOKIE_SECURE"]
    production = create_app(config)
    yield production
    with production.app_context():
        db.engine.dispose()


def test_cookies_are_secure_with_https_site_outside_debug(production_app, make_user):
    client = server_like_client(production_app)
    user = make_user(email="sven@example.org")
    cookies = set_cookies(sign_in(client, user, remember=True))
    assert cookies["session"]["secure"] and cookies["remember_token"]["secure"]
    assert cookies["session"]["httponly"] and cookies["session"]["samesite"] == "Lax"
    language = set_cookies(client.post("/language", data={"lang": "de", "next": "/"}))["lang"]
    assert language["secure"]


@pytest.mark.parametrize(
    "site_url,debug,secure",
    [
        ("https://briefe.example.org", False, True),
        ("https://briefe.example.org/", None, True),
        ("https://briefe.example.org", True, False),
        ("http://127.0.0.1:5000", False, False),
    ],
)
def test_secure_cookies_follow_site_url_and_debug(monkeypatch, site_url, debug, secure):
    for name in ("SESSION_COOKIE_SECURE", "FLASK_DEBUG", "SITE_URL"):
        monkeypatch.delenv(name, raising=False)
    overrides = {"SITE_URL": site_url, "SECRET_KEY": "x"}
    if debug is not None:
        overrides["DEBUG"] = debug
    config = build_config(overrides)
    assert config["SESSION_COOKIE_SECURE"] is secure
    assert config["REMEMBER_COOKIE_SECURE"] is secure
    assert config["SESSION_COOKIE_HTTPONLY"] and config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["SITE_URL"] == site_url.rstrip("/")


def test_flask_debug_in_the_environment_keeps_cookies_usable_over_http(monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    assert build_config({"SITE_URL": SITE_URL, "SECRET_KEY": "x"})["SESSION_COOKIE_SECURE"] is False
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "1")
    assert build_config({"SITE_URL": SITE_URL, "SECRET_KEY": "x"})["SESSION_COOKIE_SECURE"] is True


def mailbox_texts() -> list[str]:
    """Every part of every message the sender delivered, as a mail client would show it."""
    deliver_outbox()  # account mail waits in the outbox until the sender runs
    texts = []
    for stored in db.session.scalars(select(MailboxMessage)):
        for part in parse_raw(stored.raw).walk():
            if part.get_content_maintype() == "text":
                texts.append(part.get_content())
    return texts


def assert_links_from_site_url(texts: list[str], path: str) -> None:
    assert texts, "a message should have been kept in the development mailbox"
    for text in texts:
        assert f"{SITE_URL}{path}" in text
        assert "evil.example" not in text


def test_password_reset_link_ignores_the_host_header(reader, make_user):
    make_user(email="sven@example.org")
    response = reader.post("/auth/reset", data={"email": "sven@example.org"}, headers=EVIL)
    assert response.status_code == 302
    assert_links_from_site_url(mailbox_texts(), "/auth/reset/")


def test_invitation_link_ignores_the_host_header(reader, make_user):
    admin = make_user(is_admin=True, email="admin@example.org")
    # Signed in at the evil host too, so that the session cookie goes along.
    sign_in(reader, admin, headers=EVIL)
    response = reader.post("/admin", data={"email": "new@example.org"}, headers=EVIL)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert_links_from_site_url(mailbox_texts(), "/auth/invite/")


def test_absolute_url_is_built_from_site_url_alone(app):
    with app.test_request_context("/", base_url="http://evil.example:8080/prefix", headers=EVIL):
        assert absolute_url("letters.show", slug="grüße") == f"{SITE_URL}/letters/gr%C3%BC%C3%9Fe"
        link = absolute_url("letters.thread", slug="root", _anchor="letter-re root")
        assert link == f"{SITE_URL}/threads/root#letter-re%20root"
        assert absolute_url("discovery.index", page=2) == f"{SITE_URL}/?page=2"


def test_canonical_link_ignores_the_host_header(reader, make_user, make_letter):
    letter = make_letter(make_user(), title="Canonical")
    page = reader.get(f"/letters/{letter.slug}", headers=EVIL).get_data(as_text=True)
    assert f'<link rel="canonical" href="{SITE_URL}/letters/canonical">' in page
