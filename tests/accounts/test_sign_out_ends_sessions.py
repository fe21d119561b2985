"""Signing out ends the session on the server: a copied cookie opens nothing afterwards."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.support import PASSWORD, sign_in

NEW_PASSWORD = "a brand new passphrase"


def client_with_cookies(app: Flask, **cookies: str) -> FlaskClient:
    """A browser that never signed in, carrying cookies copied from another one."""
    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value)
    return client


def is_signed_in(client: FlaskClient) -> bool:
    settings = client.get("/settings")
    return settings.status_code == 200 and "Sign out" in settings.get_data(as_text=True)


def test_a_copied_session_cookie_opens_nothing_after_logout(app, client, make_user):
    sign_in(client, make_user())
    copied = client.get_cookie("session").value
    assert is_signed_in(client_with_cookies(app, session=copied))
    assert client.post("/auth/logout").status_code == 302
    thief = client_with_cookies(app, session=copied)
    response = thief.get("/settings")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")
    assert "Sign out" not in thief.get("/").get_data(as_text=True)


def test_a_copied_remember_cookie_opens_nothing_after_logout(app, client, make_user):
    sign_in(client, make_user(), remember=True)
    copied = client.get_cookie("remember_token").value
    assert is_signed_in(client_with_cookies(app, remember_token=copied))
    client.post("/auth/logout")
    assert not is_signed_in(client_with_cookies(app, remember_token=copied))


def test_logout_ends_the_sessions_on_other_devices_too(app, make_user):
    user = make_user()
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, user)
    sign_in(phone, user, remember=True)
    laptop.post("/auth/logout")
    assert not is_signed_in(phone)


def test_signing_in_again_after_logout_works(app, client, make_user):
    user = make_user()
    sign_in(client, user)
    client.post("/auth/logout")
    sign_in(client, user)
    assert is_signed_in(client)


def test_a_password_change_keeps_this_browser_and_ends_copied_cookies(app, client, make_user):
    sign_in(client, make_user(), remember=True)
    copied = client.get_cookie("session").value
    copied_remember = client.get_cookie("remember_token").value
    response = client.post(
        "/settings/password",
        data={
            "current_password": PASSWORD,
            "password": NEW_PASSWORD,
            "password_repeat": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert is_signed_in(client)
    assert not is_signed_in(client_with_cookies(app, session=copied))
    assert not is_signed_in(client_with_cookies(app, remember_token=copied_remember))
