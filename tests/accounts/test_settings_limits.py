"""Where the settings page checks the current password, guessing it is limited as sign-in is."""

from __future__ import annotations

import pytest

from app.accounts.service import create_user
from app.extensions import db
from tests.support import PASSWORD, sign_in

NEW_PASSWORD = "another long passphrase"


def password_change(current: str) -> dict[str, str]:
    return {"current_password": current, "password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD}


def email_change(current: str) -> dict[str, str]:
    return {"email": "new@example.org", "current_password": current}


@pytest.mark.parametrize(
    ("path", "form"), [("/settings/password", password_change), ("/settings/email", email_change)]
)
def test_a_session_cannot_guess_the_current_password_without_end(app_factory, path, form):
    app = app_factory(RATELIMIT_ENABLED=True)
    user = create_user("guessed@example.org", "Guessed Person", PASSWORD)
    db.session.commit()
    thief, owner = app.test_client(), app.test_client()
    sign_in(thief, user)
    for _ in range(5):
        assert thief.post(path, data=form("a guess at it")).status_code == 422
    response = thief.post(path, data=form(PASSWORD))
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    # the owner, from another device, is not held back
    sign_in(owner, user)
    owner_response = owner.post(path, data=form(PASSWORD), environ_base={"REMOTE_ADDR": "10.4.0.1"})
    assert owner_response.status_code == 302
