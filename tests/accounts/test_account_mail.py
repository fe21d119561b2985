"""The words of every account email, so that a change of wording shows up here."""

from __future__ import annotations

import re

from app.accounts.service import create_user
from app.extensions import db
from tests.support import PASSWORD, sign_in, text_of

LINK = "https://briefe.example.org/LINK"


def body(message) -> str:
    """The text part with its one link replaced, line endings as a mail client shows them."""
    text = text_of(message).replace("\r\n", "\n")
    return re.sub(r"https://briefe\.example\.org/\S+", LINK, text)


def test_invitation_from_an_admin(client, make_user, mailbox):
    sign_in(client, make_user("Ada Admin", is_admin=True))
    client.post("/admin", data={"email": "nora@example.org"})
    (message,) = mailbox()
    assert message["Subject"] == "Invitation to Briefwechsel"
    assert message["From"] == "Briefwechsel <briefwechsel@example.org>"
    assert body(message) == (
        "Ada Admin invites you to Briefwechsel, where colleagues write open letters to each "
        "other.\n\n"
        "Create your account here (the link works for 7 days):\n"
        f"{LINK}\n\n"
        "If you did not expect this invitation, you can ignore this email."
    )


def test_invitation_from_the_command_line(runner, mailbox):
    runner.invoke(args=["users", "invite", "nora@example.org"])
    assert body(mailbox()[0]).startswith(
        "You are invited to Briefwechsel, where colleagues write open letters to each other."
    )


def test_password_reset_mail(client, make_user, mailbox):
    make_user("Ada Admin", email="ada@example.org")
    client.post("/auth/reset", data={"email": "ada@example.org"})
    (message,) = mailbox()
    assert message["Subject"] == "Reset your password"
    assert body(message) == (
        "Hello Ada Admin,\n\n"
        "someone asked to reset your password for Briefwechsel. To choose a new one, open this "
        "link (it works once, for 60 minutes):\n"
        f"{LINK}\n\n"
        "If it was not you, ignore this email: your password stays as it is."
    )


def test_password_reset_mail_in_the_users_language(client, make_user, mailbox):
    make_user("Ada Admin", email="ada@example.org", locale="de")
    client.post("/auth/reset", data={"email": "ada@example.org"})
    (message,) = mailbox()
    assert message["Subject"] == "Passwort zurücksetzen"
    assert body(message).startswith("Hallo Ada Admin,\n\njemand möchte dein Passwort")


def test_address_change_mail(client, make_user, mailbox):
    sign_in(client, make_user("Ada Admin"))
    client.post("/settings/email", data={"email": "ada@example.net", "current_password": PASSWORD})
    (message,) = mailbox()
    assert message["To"] == "ada@example.net"
    assert message["Subject"] == "Please confirm your email address"
    assert body(message) == (
        "Hello Ada Admin,\n\n"
        "please confirm that this is your new address for Briefwechsel:\n"
        f"{LINK}\n\n"
        "If you did not ask for this, you can ignore this email."
    )


def test_account_mail_has_one_message_id(client, make_user, mailbox):
    make_user(email="ada@example.org")
    client.post("/auth/reset", data={"email": "ada@example.org"})
    (message,) = mailbox()
    assert len(message.get_all("Message-ID")) == 1
    assert message["Message-ID"].endswith("@example.org>")


def test_sign_up_mail(app_factory, mailbox):
    app_factory(OPEN_REGISTRATION=True).test_client().post(
        "/auth/register", data={"email": "nora@example.org"}
    )
    (message,) = mailbox()
    assert message["To"] == "nora@example.org"
    assert message["Subject"] == "Create your account at Briefwechsel"
    assert body(message) == (
        "Someone, hopefully you, asked to create an account at Briefwechsel with this "
        "address.\n\n"
        "Create your account here (the link works for 7 days):\n"
        f"{LINK}\n\n"
        "If it was not you, you can ignore this email: without the link, no account is created."
    )


def test_sign_up_with_a_taken_address_mails_its_owner_in_their_language(app_factory, mailbox):
    client = app_factory(OPEN_REGISTRATION=True).test_client()
    create_user("ada@example.org", "Ada Admin", PASSWORD, locale="de")
    db.session.commit()
    client.post("/auth/register", data={"email": "ada@example.org"})
    (message,) = mailbox()
    assert message["To"] == "ada@example.org"
    assert message["Subject"] == "Jemand wollte sich mit deiner Adresse registrieren"
    text = text_of(message).replace("\r\n", "\n")
    assert text == (
        "Hallo Ada Admin,\n\n"
        "jemand wollte sich bei Briefwechsel mit dieser Adresse registrieren. Sie gehört "
        "schon zu einem Konto: deinem. Geändert hat sich nichts.\n\n"
        "Zum Anmelden:\n"
        "https://briefe.example.org/auth/login\n\n"
        "Falls du dein Passwort vergessen hast, wähle hier ein neues:\n"
        "https://briefe.example.org/auth/reset\n\n"
        "Falls du das nicht warst, kannst du diese E-Mail ignorieren."
    )
