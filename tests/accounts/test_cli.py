"""`flask users create` and `flask users invite`, as an operator or a script uses them."""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.models import User
from app.extensions import db
from tests.support import PASSWORD, link_in, sign_in, text_of


def users_with_email(address: str) -> list[User]:
    return list(db.session.scalars(select(User).where(func.lower(User.email) == address.lower())))


def test_create_reads_password_from_stdin_and_the_user_can_sign_in(runner, client):
    result = runner.invoke(
        args=["users", "create", "Svenja@Example.org", "--name", "Svenja Köhler"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created @svenja <svenja@example.org>." in result.output
    (user,) = users_with_email("svenja@example.org")
    assert user.display_name == "Svenja Köhler"
    assert not user.is_admin and user.confirmed_at is not None
    sign_in(client, user)
    assert "Svenja Köhler" in client.get("/").get_data(as_text=True)


def test_create_with_admin_flag_makes_an_admin(runner):
    result = runner.invoke(
        args=["users", "create", "boss@example.org", "--name", "Ada Boss", "--admin"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "(admin)" in result.output
    assert users_with_email("boss@example.org")[0].is_admin


def test_create_refuses_an_email_that_exists_in_another_case(runner, make_user):
    make_user(email="svenja@example.org")
    result = runner.invoke(
        args=["users", "create", "SVENJA@example.ORG", "--name", "Another Svenja"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 1
    assert "An account with this email address exists already." in result.output
    assert "Traceback" not in result.output
    assert len(users_with_email("svenja@example.org")) == 1


def test_create_refuses_a_short_password_from_stdin(runner):
    result = runner.invoke(
        args=["users", "create", "short@example.org", "--name", "Short"], input="tiny\n"
    )
    assert result.exit_code == 1
    assert "at least 10 characters" in result.output
    assert users_with_email("short@example.org") == []


def test_create_refuses_an_invalid_or_multi_line_address(runner):
    for address in ("not-an-address", "a@example.org\r\nBcc: x@example.org"):
        result = runner.invoke(
            args=["users", "create", address, "--name", "Someone"], input=PASSWORD + "\n"
        )
        assert result.exit_code == 1, address
        assert "not a valid email address" in result.output
        assert "Traceback" not in result.output
    assert db.session.scalars(select(User)).all() == []


def test_create_refuses_a_blank_name(runner):
    result = runner.invoke(
        args=["users", "create", "blank@example.org", "--name", "   "], input=PASSWORD + "\n"
    )
    assert result.exit_code == 1
    assert "name" in result.output.lower()
    assert users_with_email("blank@example.org") == []


def test_create_with_explicit_handle(runner):
    result = runner.invoke(
        args=["users", "create", "h@example.org", "--name", "Hanna", "--handle", "hanna_h"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert users_with_email("h@example.org")[0].handle == "hanna_h"


def test_create_refuses_an_invalid_handle(runner):
    result = runner.invoke(
        args=["users", "create", "h@example.org", "--name", "Hanna", "--handle", "Bad Handle!"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 1
    assert "lower-case letters" in result.output
    assert users_with_email("h@example.org") == []


def test_invite_keeps_mail_in_dev_mailbox_and_link_creates_account(runner, client, mailbox):
    result = runner.invoke(args=["users", "invite", "New.Person@Example.org"])
    assert result.exit_code == 0, result.output
    assert "Invitation sent to new.person@example.org." in result.output
    (message,) = mailbox()
    assert message["To"] == "new.person@example.org"
    path = link_in(text_of(message))
    assert path.startswith("/auth/invite/")
    response = client.post(
        path,
        data={
            "display_name": "New Person",
            "handle": "newbie",
            "password": PASSWORD,
            "password_repeat": PASSWORD,
        },
    )
    assert response.status_code == 302
    (user,) = users_with_email("new.person@example.org")
    assert user.handle == "newbie"


def test_invite_refuses_an_address_with_an_account(runner, make_user, mailbox):
    make_user(email="taken@example.org")
    result = runner.invoke(args=["users", "invite", "Taken@example.org"])
    assert result.exit_code == 1
    assert "has an account already" in result.output
    assert mailbox() == []


def test_invite_refuses_a_header_injection_attempt(runner, mailbox):
    result = runner.invoke(args=["users", "invite", "a@example.org\r\nBcc: x@example.org"])
    assert result.exit_code == 1
    assert "not a valid email address" in result.output
    assert "Traceback" not in result.output
    assert mailbox() == []
