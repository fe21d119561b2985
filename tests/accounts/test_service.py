"""Account rules that hold whichever page or command creates the account."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from app import create_app
from app.accounts import service
from app.accounts.models import User
from app.extensions import db
from tests.support import PASSWORD, config_for_tests, database_url, fresh_database


def test_two_sign_ups_for_one_address_at_once_give_one_account(app, monkeypatch):
    service.create_user("race@example.org", "First Racer", PASSWORD)
    # the second request checked before the first one committed
    monkeypatch.setattr(service, "user_by_email", lambda _email: None)
    with pytest.raises(service.AccountError, match="exists already"):
        service.create_user("Race@example.org", "Second Racer", PASSWORD)
    assert db.session.scalars(select(User.display_name)).all() == ["First Racer"]


@pytest.mark.parametrize(
    ("name", "handle"),
    [
        ("Svenja Köhler", "svenja"),
        ("Jörg-Peter Weiß", "joergpeter"),
        ("  Ada   Lovelace ", "ada"),
        ("李小龙", "colleague"),
        ("J", "colleague"),
        ("Letter Person", "letter"),
    ],
)
def test_handle_made_from_the_name(app, name, handle):
    assert service.create_user(f"{handle}@example.org", name, PASSWORD).handle == handle


def test_handles_made_from_the_same_name_are_numbered(app):
    first = service.create_user("a@example.org", "Svenja A", PASSWORD)
    second = service.create_user("b@example.org", "Svenja B", PASSWORD)
    assert (first.handle, second.handle) == ("svenja", "svenja2")


def test_display_name_is_trimmed(app):
    assert service.create_user("t@example.org", "  Ada \t Lovelace ", PASSWORD).display_name == (
        "Ada Lovelace"
    )


@pytest.mark.parametrize("password", ["", "123456789", "x" * 1025])
def test_password_length_is_bounded(app, password):
    with pytest.raises(service.AccountError) as refused:
        service.create_user("p@example.org", "Pass Word", password)
    assert refused.value.field == "password"
    assert db.session.scalars(select(User)).all() == []


def test_passwords_are_stored_hashed_with_full_scrypt_outside_tests(backend, tmp_path):
    """The tests hash cheaply; an app with the default settings pays werkzeug's full cost."""
    settings = config_for_tests(database_url(backend, tmp_path))
    del settings["PASSWORD_HASH_METHOD"]
    with fresh_database(create_app(settings)):
        user = service.create_user("h@example.org", "Hash Ed", PASSWORD)
        db.session.commit()
        stored = user.password_hash
    assert PASSWORD not in stored
    assert stored.startswith(("scrypt:", "argon2"))
    werkzeug_default = generate_password_hash("any password").split("$")[0]
    assert stored.split("$")[0] == werkzeug_default
    assert check_password_hash(stored, PASSWORD)
