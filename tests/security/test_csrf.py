"""Every POST needs the session's CSRF token; with the token from the page, forms work."""

from __future__ import annotations

import pytest
from flask import Flask
from werkzeug.routing import Rule

from app.extensions import db
from app.letters.models import Letter, LetterStatus
from tests.support import (
    PASSWORD,
    assert_styled,
    csrf_token_from,
    letter_form,
    server_like_client,
    sign_in,
)

# POSTs authorised otherwise: RFC 8058 one-click unsubscribe carries a signed token instead;
# subscribing asks for a confirmation email, from a form on pages all readers share; other
# sites post webmentions (a public protocol endpoint: it only queues a page to be read).
CSRF_EXEMPT = {"subscriptions.unsubscribe", "subscriptions.subscribe", "webmentions.receive"}
# The JSON API is authorised by a token in a header and reads no session cookie: a write
# without a token is refused, with or without a form token (tests/api/test_tokens.py).
CSRF_EXEMPT_BLUEPRINTS = {"api"}


@pytest.fixture
def csrf_app(app: Flask, app_factory) -> Flask:
    """The application with CSRF protection on, as in production."""
    return app_factory(WTF_CSRF_ENABLED=True)


@pytest.fixture
def admin(make_user):
    return make_user("Ada Admin", handle="ada", is_admin=True, email="ada@example.org")


@pytest.fixture
def letter(admin, make_user, make_letter) -> Letter:
    return make_letter(admin, make_user("Bo Reader", handle="bo"), title="Open letter")


def session_token(client) -> str:
    """The CSRF token of the client's current session, taken from a page."""
    return csrf_token_from(client.get("/").get_data(as_text=True))


def post_rules(app: Flask) -> list[Rule]:
    rules = [rule for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())]
    return sorted(rules, key=lambda rule: rule.rule)


def url_for_rule(app: Flask, rule: Rule, letter: Letter) -> str:
    """The rule's address, its variables filled with things that exist (else 1, for any type)."""
    from app.accounts.tokens import make_token

    known = {
        "slug": letter.slug,
        "handle": "ada",
        "token": make_token("invite", {"email": "new@example.org"}),
    }
    arguments = {name: known.get(name, 1) for name in rule.arguments}
    return app.url_map.bind("localhost").build(rule.endpoint, arguments)


def is_csrf_refusal(response) -> bool:
    return response.status_code == 400 and "Form expired" in response.get_data(as_text=True)


def test_every_post_without_token_is_a_styled_400(csrf_app, admin, letter):
    rules = [
        rule
        for rule in post_rules(csrf_app)
        if rule.endpoint not in CSRF_EXEMPT
        and rule.endpoint.partition(".")[0] not in CSRF_EXEMPT_BLUEPRINTS
    ]
    assert len(rules) >= 10, "the app should have many POST forms"
    client = server_like_client(csrf_app)
    sign_in(client, admin)
    accepted = []
    for rule in rules:
        response = client.post(url_for_rule(csrf_app, rule, letter), data=letter_form())
        if not is_csrf_refusal(response):
            accepted.append((rule.rule, response.status_code))
        else:
            assert_styled(response, 400)
    assert accepted == []
    db.session.expire_all()
    assert db.session.get(Letter, letter.id).status == LetterStatus.PUBLISHED
    assert client.get("/settings").status_code == 200  # still signed in: logout was refused


def test_every_post_with_the_pages_token_passes_the_check(csrf_app, admin, letter):
    refused = []
    for rule in post_rules(csrf_app):
        client = server_like_client(csrf_app)  # each POST in a fresh session: some sign out
        sign_in(client, admin)
        token = session_token(client)
        url = url_for_rule(csrf_app, rule, letter)
        response = client.post(url, data=letter_form(csrf_token=token))
        if is_csrf_refusal(response):
            refused.append(rule.rule)
    assert refused == []


def test_token_of_another_session_is_refused(csrf_app, admin, make_user, letter):
    other = make_user(email="other@example.org")
    attacker = server_like_client(csrf_app)
    sign_in(attacker, other)
    attackers_token = session_token(attacker)
    victim = server_like_client(csrf_app)
    sign_in(victim, admin)
    response = victim.post(f"/letters/{letter.slug}/withdraw", data={"csrf_token": attackers_token})
    assert_styled(response, 400)
    assert db.session.get(Letter, letter.id).status == LetterStatus.PUBLISHED


def test_forged_token_is_refused(csrf_app, admin):
    client = server_like_client(csrf_app)
    sign_in(client, admin)
    response = client.post("/letters/new", data=letter_form(csrf_token="forged.token.value"))
    assert_styled(response, 400)
    assert db.session.scalars(db.select(Letter)).all() == []


def test_login_without_token_is_refused(csrf_app, admin):
    client = server_like_client(csrf_app)
    response = client.post("/auth/login", data={"email": admin.email, "password": PASSWORD})
    assert_styled(response, 400)
    assert client.get("/settings").status_code == 302  # not signed in


def test_write_publish_and_withdraw_with_tokens_from_the_pages(csrf_app, admin, letter):
    client = server_like_client(csrf_app)
    sign_in(client, admin)
    token = csrf_token_from(client.get("/letters/new").get_data(as_text=True))
    response = client.post("/letters/new", data=letter_form(title="With token", csrf_token=token))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    response = client.post(
        "/letters/with-token/withdraw", data={"csrf_token": csrf_token_from(page)}
    )
    assert response.status_code == 302
    written = db.session.scalars(db.select(Letter).where(Letter.slug == "with-token")).one()
    assert written.status == LetterStatus.WITHDRAWN


def test_sign_out_with_token_from_the_page(csrf_app, admin):
    client = server_like_client(csrf_app)
    sign_in(client, admin)
    token = session_token(client)
    assert client.post("/auth/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/settings").status_code == 302  # signed out: sent to sign in


def test_bad_bytes_are_refused_before_the_csrf_check(csrf_app):
    """The guard runs first, so the error page never has to show the undecodable address."""
    client = server_like_client(csrf_app)
    response = client.post(
        "/auth/login", environ_overrides={"QUERY_STRING": "q=\xff"}, data={"email": "a"}
    )
    assert "not valid UTF-8" in assert_styled(response, 400)
