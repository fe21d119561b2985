"""Personal access tokens: made and revoked on the settings page, shown once, kept as a
digest; a read token cannot write, a wrong or revoked one is refused, and a session cookie
authorises nothing."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select, update

from app.accounts.models import AccessToken
from app.database import utc_now
from app.extensions import db
from app.letters.models import Letter
from tests.api.conftest import bearer, json_of
from tests.support import csrf_token_from, server_like_client, sign_in

TOKEN = re.compile(r"bw_[0-9a-f]{12}_[A-Za-z0-9_-]{43}")


def make_token_on_the_settings_page(client, name: str = "My laptop", scope: str = "write") -> str:
    response = client.post("/settings/tokens", data={"name": name, "scope": scope})
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    (secret,) = TOKEN.findall(response.get_data(as_text=True))
    return secret


def test_a_token_is_shown_once_and_only_its_digest_is_kept(client, site):
    sign_in(client, site.sven)
    secret = make_token_on_the_settings_page(client)
    page = client.get("/settings").get_data(as_text=True)
    assert "My laptop" in page and secret not in page
    (token,) = db.session.scalars(select(AccessToken))
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    stored = " ".join(str(value) for value in vars(token).values())
    assert secret not in stored and secret.split("_")[-1] not in stored
    assert token.user_id == site.sven.id and token.scope == "write" and token.last_used_at is None


def test_the_token_reads_its_colleagues_drafts_until_it_is_revoked(client, api, site):
    sign_in(client, site.sven)
    secret = make_token_on_the_settings_page(client, scope="read")
    draft = f"/api/letters/{site.draft.slug}"
    assert json_of(api.get(draft, headers=bearer(secret)))["status"] == "draft"
    assert api.get(draft).status_code == 404

    (token,) = db.session.scalars(select(AccessToken))
    response = client.post(f"/settings/tokens/{token.id}/revoke")
    assert response.status_code == 302
    assert "The token is revoked." in client.get("/settings").get_data(as_text=True)
    refused = api.get(draft, headers=bearer(secret))
    assert refused.status_code == 401
    assert json_of(refused)["error"] == "unauthorized"


def test_nobody_revokes_someone_elses_token(client, site, token_of):
    token_of(site.svenja)
    (token,) = db.session.scalars(select(AccessToken))
    sign_in(client, site.sven)
    assert client.post(f"/settings/tokens/{token.id}/revoke").status_code == 404
    assert db.session.scalars(select(AccessToken)).one() is not None


def test_a_token_needs_a_name(client, site):
    sign_in(client, site.sven)
    response = client.post("/settings/tokens", data={"name": "  ", "scope": "read"})
    assert response.status_code == 422
    assert "This field is required." in response.get_data(as_text=True)
    assert db.session.scalars(select(AccessToken)).all() == []


def test_a_read_token_cannot_write(api, site, token_of):
    secret = token_of(site.sven, "read")
    response = api.post("/api/letters", json={"title": "Hi", "body": "x"}, headers=bearer(secret))
    assert response.status_code == 403
    assert json_of(response)["message"] == "This token may only read. Writing needs a write token."
    assert db.session.scalars(select(Letter).where(Letter.title == "Hi")).first() is None


def test_a_wrong_token_is_refused_with_a_bearer_challenge(api, site, token_of):
    secret = token_of(site.sven)
    for header in (
        f"Bearer {secret[:-1]}x",
        "Bearer bw_000000000000_" + "a" * 43,
        "Bearer not-a-token",
        f"Basic {secret}",
        "Bearer",
    ):
        response = api.get("/api/letters", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.headers["WWW-Authenticate"] == "Bearer realm=api, error=invalid_token"
        assert json_of(response)["error"] == "unauthorized"


def test_writing_without_a_token_is_refused(api, site):
    response = api.post("/api/letters", json={"title": "Hi", "body": "x"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer realm=api"
    assert "Authorization: Bearer" in json_of(response)["message"]


def test_the_last_use_is_noted_at_most_once_an_hour(api, site, token_of):
    secret = token_of(site.sven, "read")
    api.get("/api/letters", headers=bearer(secret))
    token = db.session.scalars(select(AccessToken)).one()
    first = token.last_used_at
    assert first is not None and utc_now() - first < timedelta(minutes=1)
    api.get("/api/letters", headers=bearer(secret))
    db.session.refresh(token)
    assert token.last_used_at == first
    an_hour_ago = first - timedelta(hours=1, seconds=1)
    db.session.execute(update(AccessToken).values(last_used_at=an_hour_ago))
    db.session.commit()
    api.get("/api/letters", headers=bearer(secret))
    db.session.refresh(token)
    assert token.last_used_at > first


@pytest.fixture
def csrf_app(app, app_factory) -> Flask:
    """The application with CSRF protection on, as in production (made before the site)."""
    return app_factory(WTF_CSRF_ENABLED=True)


def test_a_signed_in_browser_is_nobody_to_the_api(csrf_app, site, token_of):
    """A page elsewhere can make a browser send its cookies, never a token: the API reads no
    session, so it needs no CSRF token, and a token's request needs none either."""
    browser = server_like_client(csrf_app)
    sign_in(browser, site.sven)
    form_token = csrf_token_from(browser.get("/settings").get_data(as_text=True))
    unseen = browser.get(f"/api/letters/{site.draft.slug}")
    assert unseen.status_code == 404 and "Set-Cookie" not in unseen.headers
    letter = {"title": "By cookie", "body": "x", "addressee": "svenja"}
    refused = browser.post("/api/letters", json=letter, headers={"X-CSRFToken": form_token})
    assert refused.status_code == 401
    script = server_like_client(csrf_app)
    made = script.post("/api/letters", json=letter, headers=bearer(token_of(site.sven)))
    assert made.status_code == 201, made.get_data(as_text=True)
    assert db.session.scalars(select(Letter).where(Letter.title == "By cookie")).one()
