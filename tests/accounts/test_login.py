"""Signing in and out: same answers for every failure, fresh sessions, safe redirects, limits."""

from __future__ import annotations

import re
import statistics
import time

import pytest

from app.accounts.service import create_user
from app.config import DEFAULTS
from app.extensions import db
from tests.support import PASSWORD, csrf_token_from, sign_in

FAILED_LOGIN = "The email address or the password is not right."


def without_tokens(page: str) -> str:
    return re.sub(r'name="csrf_token"[^>]*>', "", page)


def is_signed_in(client) -> bool:
    return "Sign out" in client.get("/").get_data(as_text=True)


def test_login_with_email_in_any_case_signs_in(client, make_user):
    make_user("Svenja Köhler", email="svenja@example.org")
    response = client.post(
        "/auth/login", data={"email": "  SVENJA@Example.org ", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert is_signed_in(client)


def test_unknown_email_and_wrong_password_get_the_same_answer(client, make_user):
    user = make_user()
    unknown = client.post("/auth/login", data={"email": "nobody@example.org", "password": "x" * 12})
    wrong = client.post("/auth/login", data={"email": user.email, "password": "x" * 12})
    assert unknown.status_code == wrong.status_code == 401
    unknown_page = unknown.get_data(as_text=True)
    wrong_page = wrong.get_data(as_text=True)
    assert FAILED_LOGIN in unknown_page and FAILED_LOGIN in wrong_page
    assert without_tokens(unknown_page).replace("nobody@example.org", user.email) == (
        without_tokens(wrong_page)
    )
    assert not is_signed_in(client)


def test_login_form_with_missing_fields_is_refused_without_500(client):
    response = client.post("/auth/login", data={})
    assert response.status_code == 401
    assert 'class="field-error"' in response.get_data(as_text=True)


def test_session_is_renewed_at_login(app, client, make_user):
    user = make_user()
    with client.session_transaction() as before:
        before["planted"] = "by an attacker"
        before["_fresh"] = False
    sign_in(client, user)
    with client.session_transaction() as after:
        assert "planted" not in after
        assert after["_user_id"] == user.get_id()


def test_remember_me_sets_an_httponly_lax_remember_cookie(client, make_user):
    user = make_user()
    response = client.post(
        "/auth/login", data={"email": user.email, "password": PASSWORD, "remember": "y"}
    )
    assert response.status_code == 302
    (cookie,) = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_")]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Expires=" in cookie
    client.delete_cookie("session")
    assert is_signed_in(client), "the remember cookie alone signs the user in"


def test_without_remember_me_no_remember_cookie(client, make_user):
    user = make_user()
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert not [c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_")]
    session_cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie


def test_remember_cookie_is_secure_when_the_site_is_https(app_factory, make_user):
    app = app_factory(SESSION_COOKIE_SECURE=True)
    create_user("secure@example.org", "Secure Person", PASSWORD)
    db.session.commit()
    client = app.test_client()
    response = client.post(
        "/auth/login",
        data={"email": "secure@example.org", "password": PASSWORD, "remember": "y"},
        base_url="https://localhost",
    )
    cookies = response.headers.getlist("Set-Cookie")
    assert all("Secure" in cookie for cookie in cookies), cookies


def test_logout_needs_a_post(client, make_user):
    sign_in(client, make_user())
    assert client.get("/auth/logout").status_code == 405
    assert is_signed_in(client)
    response = client.post("/auth/logout")
    assert response.status_code == 302
    assert not is_signed_in(client)


def test_logout_also_forgets_the_remember_cookie(client, make_user):
    user = make_user()
    client.post("/auth/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    assert client.get_cookie("remember_token") is not None
    client.post("/auth/logout")
    assert client.get_cookie("remember_token") is None
    assert not is_signed_in(client)


def test_logout_with_csrf_on_needs_the_token(app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    create_user("c@example.org", "Csrf Person", PASSWORD)
    db.session.commit()
    client = app.test_client()
    token = csrf_token_from(client.get("/auth/login").get_data(as_text=True))
    response = client.post(
        "/auth/login", data={"email": "c@example.org", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    assert client.post("/auth/logout").status_code == 400
    assert is_signed_in(client)
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    assert client.post("/auth/logout", data={"csrf_token": token}).status_code == 302
    assert not is_signed_in(client)


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "//evil.example/path",
        "\\\\evil.example",
        "/\\evil.example",
        "\\/evil.example",
        "https://evil.example",
        "http:evil.example",
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " //evil.example",
        "/\t/evil.example",
        "///evil.example",
    ],
)
def test_next_redirects_only_to_local_paths(client, make_user, target):
    user = make_user()
    response = client.post(
        "/auth/login",
        query_string={"next": target},
        data={"email": user.email, "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    again = client.get("/auth/login", query_string={"next": target})
    assert again.headers["Location"] == "/"


def test_next_keeps_a_local_path_with_query(client, make_user):
    user = make_user()
    response = client.post(
        "/auth/login",
        query_string={"next": "/settings?tab=profile"},
        data={"email": user.email, "password": PASSWORD},
    )
    assert response.headers["Location"] == "/settings?tab=profile"


def test_login_required_page_sends_back_after_login(client, make_user):
    user = make_user()
    response = client.get("/settings")
    assert response.status_code == 302
    login_url = response.headers["Location"]
    assert login_url.startswith("/auth/login?next=")
    response = client.post(login_url, data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/settings"


@pytest.fixture
def limited_app(app_factory):
    return app_factory(RATELIMIT_ENABLED=True)


def post_login(client, email, password, address):
    return client.post(
        "/auth/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_wrong_passwords_from_everywhere_are_held_back_but_not_the_right_one(limited_app):
    create_user("target@example.org", "Target Person", PASSWORD)
    db.session.commit()
    client = limited_app.test_client()
    for attempt in range(10):
        response = post_login(client, "target@example.org", "wrong" * 3, f"10.0.0.{attempt}")
        assert response.status_code == 401
    response = post_login(client, "Target@Example.org", "wrong" * 3, "10.0.1.1")
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Many wrong passwords have been tried for this address lately." in page
    assert '<main id="main">' in page
    # other accounts are not held back, and the owner still signs in
    assert post_login(client, "other@example.org", "wrong" * 3, "10.0.1.3").status_code == 401
    assert post_login(client, "target@example.org", PASSWORD, "10.0.1.2").status_code == 302


def test_one_client_is_held_back_on_one_account_even_with_the_right_password(limited_app):
    create_user("target@example.org", "Target Person", PASSWORD)
    db.session.commit()
    client = limited_app.test_client()
    for _ in range(5):
        assert post_login(client, "target@example.org", "wrong" * 3, "10.0.2.1").status_code == 401
    response = post_login(client, "target@example.org", PASSWORD, "10.0.2.1")
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    assert post_login(client, "target@example.org", PASSWORD, "10.0.2.2").status_code == 302


def test_login_is_limited_per_ip_across_accounts(limited_app):
    client = limited_app.test_client()
    for number in range(30):
        response = post_login(client, f"p{number}@example.org", "wrong" * 3, "10.9.9.9")
        assert response.status_code == 401, number
    response = post_login(client, "p99@example.org", "wrong" * 3, "10.9.9.9")
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    assert post_login(client, "p99@example.org", "wrong" * 3, "10.9.9.10").status_code == 401


def test_login_page_itself_is_not_limited(limited_app):
    client = limited_app.test_client()
    for _ in range(40):
        assert client.get("/auth/login").status_code == 200


def median_seconds(attempt, times: int = 5) -> float:
    durations = []
    for _ in range(times):
        start = time.perf_counter()
        attempt()
        durations.append(time.perf_counter() - start)
    return statistics.median(durations)


def test_unknown_and_known_address_take_similar_time(app_factory):
    # With the production hash: the cheap one of the tests would hide a missing dummy check.
    app = app_factory(PASSWORD_HASH_METHOD=DEFAULTS["PASSWORD_HASH_METHOD"])
    client = app.test_client()
    user = create_user("known@example.org", "Known Person", PASSWORD)
    db.session.commit()
    post_login(client, "warm@example.org", "wrong" * 3, "127.0.0.1")

    def unknown() -> None:
        assert post_login(client, "nobody@example.org", "wrong" * 3, "1.1.1.1").status_code == 401

    def known() -> None:
        assert post_login(client, user.email, "wrong" * 3, "1.1.1.1").status_code == 401

    unknown_time, known_time = median_seconds(unknown), median_seconds(known)
    assert 1 / 2.5 < unknown_time / known_time < 2.5, (unknown_time, known_time)


def test_signed_in_user_visiting_login_is_sent_on(client, make_user):
    sign_in(client, make_user())
    response = client.get("/auth/login", query_string={"next": "/settings"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/settings"
