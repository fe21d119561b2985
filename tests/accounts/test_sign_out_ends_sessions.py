"""Signing out ends the session on the server: a copied cookie opens nothing afterwards."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from app.accounts.models import User
from tests.conftest import PASSWORD, login

NEW_PASSWORD = "a brand new passphrase"


def sign_in_remembered(client: FlaskClient, user: User) -> None:
    response = client.post(
        "/auth/login", data={"email": user.email, "password": PASSWORD, "remember": "y"}
    )
    assert response.status_code == 302


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
    login(client, make_user())
    copied = client.get_cookie("session").value
    assert is_signed_in(client_with_cookies(app, session=copied))
    assert client.post("/auth/logout").status_code == 302
    thief = client_with_cookies(app, session=copied)
    response = thief.get("/settings")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")
    assert "Sign out" not in thief.get("/").get_data(as_text=True)


def test_a_copied_remember_cookie_opens_nothing_after_logout(app, client, make_user):
    sign_in_remembered(client, make_user())
    copied = client.get_cookie("remember_token").value
    assert is_signed_in(client_with_cookies(app, remember_token=copied))
    client.post("/auth/logout")
    assert not is_signed_in(client_with_cookies(app, remember_token=copied))


def test_logout_ends_the_sessions_on_other_devices_too(app, make_user):
    user = make_user()
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, user)
    sign_in_remembered(phone, user)
    laptop.post("/auth/logout")
    assert not is_signed_in(phone)


def test_signing_in_again_after_logout_works(app, client, make_user):
    user = make_user()
    login(client, user)
    client.post("/auth/logout")
    login(client, user)
    assert is_signed_in(client)


def test_a_password_change_keeps_this_browser_and_ends_copied_cookies(app, client, make_user):
    sign_in_remembered(client, make_user())
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
