"""Open sign-up (OPEN_REGISTRATION): an emailed link creates the account.

The answer never tells whether an address has an account: its owner is mailed instead.
"""

from __future__ import annotations

import re
import statistics
import time

import pytest
from sqlalchemy import select, update

from app.accounts.models import User
from app.accounts.service import create_user
from app.config import DEFAULTS
from app.database import utc_now
from app.extensions import db
from app.letters.models import Letter, LetterStatus
from app.outbox import Notice
from tests.support import PASSWORD, letter_form, link_in

SAME_ANSWER = "We have sent a message to"


def account_form(**fields: str) -> dict[str, str]:
    data = {
        "display_name": "Olga Offen",
        "handle": "olga",
        "password": PASSWORD,
        "password_repeat": PASSWORD,
    }
    data.update(fields)
    return data


def sign_up(client, email: str = "Olga@Example.org", address: str = "127.0.0.1"):
    return client.post(
        "/auth/register", data={"email": email}, environ_base={"REMOTE_ADDR": address}
    )


def without_tokens(page: str) -> str:
    return re.sub(r'name="csrf_token"[^>]*>', "", page)


@pytest.fixture
def open_app(app_factory, mail_server):
    return app_factory(OPEN_REGISTRATION=True, **mail_server.settings)


def test_register_is_404_when_registration_is_closed(client):
    assert client.get("/auth/register").status_code == 404
    assert sign_up(client).status_code == 404
    assert db.session.scalars(select(User)).all() == []
    assert "/auth/register" not in client.get("/auth/login").get_data(as_text=True)


def test_sign_up_mails_a_link_that_creates_a_confirmed_account(open_app, mail_server):
    client = open_app.test_client()
    assert client.get("/auth/register").status_code == 200
    response = sign_up(client)
    assert (response.status_code, response.headers["Location"]) == (302, "/auth/login")
    assert db.session.scalars(select(User)).all() == [], "no account before the link"

    (mail,) = mail_server.inbox.wait_for(1)
    assert mail.recipients == ["olga@example.org"]
    assert mail.message["Subject"] == "Create your account at Briefwechsel"
    path = link_in(mail.text)
    assert path.startswith("/auth/invite/")
    assert "olga@example.org" in client.get(path).get_data(as_text=True)
    assert client.post(path, data=account_form()).status_code == 302

    user = db.session.scalars(select(User)).one()
    assert (user.email, user.handle, user.display_name) == (
        "olga@example.org",
        "olga",
        "Olga Offen",
    )
    assert user.confirmed_at is not None
    assert client.post("/letters/new", data=letter_form()).status_code == 302
    assert db.session.scalars(select(Letter)).one().status == LetterStatus.PUBLISHED
    assert client.post(path, data=account_form(handle="olga2")).status_code == 410


def test_a_taken_address_gets_the_same_answer_as_a_new_one(open_app, mail_server):
    owner = create_user("olga@example.org", "Olga Offen", PASSWORD)
    db.session.commit()
    answers, pages = [], []
    for email in ("new@example.org", "OLGA@example.org"):
        client = open_app.test_client()
        response = sign_up(client, email)
        answers.append((response.status_code, response.headers.get("Location")))
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert SAME_ANSWER in page
        pages.append(without_tokens(page).replace(email.lower(), "ADDRESS"))
    assert answers[0] == answers[1] == (302, "/auth/login")
    assert pages[0] == pages[1]
    assert db.session.scalars(select(User)).all() == [owner]
    assert sorted(mail.recipients[0] for mail in mail_server.inbox.wait_for(2)) == [
        "new@example.org",
        "olga@example.org",
    ]


def test_the_owner_of_a_taken_address_is_mailed_links_to_sign_in_and_reset(open_app, mail_server):
    create_user("olga@example.org", "Olga Offen", PASSWORD)
    db.session.commit()
    sign_up(open_app.test_client())
    (mail,) = mail_server.inbox.wait_for(1)
    assert mail.recipients == ["olga@example.org"]
    assert mail.message["Subject"] == "Someone tried to sign up with your address"
    assert "https://briefe.example.org/auth/login" in mail.text
    assert "https://briefe.example.org/auth/reset" in mail.text
    assert "/auth/invite/" not in mail.text


def test_taken_and_new_address_take_similar_time(app_factory, mail_server):
    open_app = app_factory(
        OPEN_REGISTRATION=True,
        REGISTER_ANSWER_SECONDS=DEFAULTS["REGISTER_ANSWER_SECONDS"],
        **mail_server.settings,
    )
    create_user("olga@example.org", "Olga Offen", PASSWORD)
    db.session.commit()
    client = open_app.test_client()
    sign_up(client, "warm@example.org")

    def median_seconds(email: str) -> float:
        durations = []
        for _ in range(5):
            start = time.perf_counter()
            assert sign_up(client, email).status_code == 302
            durations.append(time.perf_counter() - start)
        return statistics.median(durations)

    taken, new = median_seconds("olga@example.org"), median_seconds("new@example.org")
    assert 1 / 1.5 < taken / new < 1.5, (taken, new)


def test_sign_up_is_limited_per_client_address(app_factory):
    app = app_factory(OPEN_REGISTRATION=True, RATELIMIT_ENABLED=True)
    client = app.test_client()
    for number in range(10):
        assert sign_up(client, f"p{number}@example.org", "10.2.0.1").status_code == 302
    response = sign_up(client, "p10@example.org", "10.2.0.1")
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    assert sign_up(client, "p10@example.org", "10.2.0.2").status_code == 302


def test_one_address_gets_only_a_few_sign_up_mails(app_factory, mailbox):
    """Nobody can flood an inbox through the sign-up form, even from many addresses."""
    app = app_factory(OPEN_REGISTRATION=True, RATELIMIT_ENABLED=True)
    create_user("olga@example.org", "Olga Offen", PASSWORD)
    db.session.commit()
    client = app.test_client()
    for number in range(6):
        response = sign_up(client, "olga@example.org", f"10.3.0.{number}")
        assert (response.status_code, response.headers["Location"]) == (302, "/auth/login")
        sign_up(client, "new@example.org", f"10.3.1.{number}")
    recipients = [message["To"] for message in mailbox()]
    assert recipients.count("olga@example.org") == recipients.count("new@example.org") == 3


@pytest.mark.parametrize(
    "address", ["olga@example.org\r\nBcc: x@example.org", "olga@example.org\n", "not an address"]
)
def test_register_refuses_invalid_addresses(app_factory, mailbox, address):
    app = app_factory(OPEN_REGISTRATION=True)
    response = sign_up(app.test_client(), address)
    assert response.status_code == 422
    assert 'id="email-error"' in response.get_data(as_text=True)
    assert mailbox() == []


def test_sign_up_signs_in_with_a_fresh_session(open_app, mail_server):
    client = open_app.test_client()
    with client.session_transaction() as before:
        before["planted"] = "value"
    sign_up(client)
    (mail,) = mail_server.inbox.wait_for(1)
    client.post(link_in(mail.text), data=account_form())
    with client.session_transaction() as after:
        assert "planted" not in after and "_user_id" in after


def test_sign_up_while_the_mail_server_is_down_gets_its_link_once_it_is_back(open_app, mail_server):
    client = open_app.test_client()
    mail_server.stop()
    assert sign_up(client).status_code == 302
    assert mail_server.inbox.wait_for(1, timeout=0.3) == []
    mail_server.start()
    db.session.execute(update(Notice).values(next_attempt_at=utc_now()))
    db.session.commit()
    (mail,) = mail_server.inbox.wait_for(1)
    assert client.post(link_in(mail.text), data=account_form()).status_code == 302
    assert db.session.scalars(select(User)).one().confirmed_at is not None
