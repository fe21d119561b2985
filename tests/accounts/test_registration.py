"""Open sign-up (OPEN_REGISTRATION) and confirming an email address."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from app.accounts.models import User
from app.database import utc_now
from app.extensions import db
from app.letters.models import Letter, LetterStatus
from app.notifications.models import Notification
from tests.accounts.conftest import link_in, text_of
from tests.conftest import PASSWORD


def sign_up_form(**fields: str) -> dict[str, str]:
    data = {
        "email": "Olga@Example.org",
        "display_name": "Olga Offen",
        "handle": "olga",
        "password": PASSWORD,
        "password_repeat": PASSWORD,
    }
    data.update(fields)
    return data


def letter_form(**fields: str) -> dict[str, str]:
    data = {
        "addressee": "",
        "addressee_name": "Ada Lovelace",
        "language": "en",
        "title": "First words",
        "salutation": "",
        "body": "Hello.",
        "closing": "Best",
        "signature": "Olga",
        "postscript": "",
        "publish": "Publish",
    }
    data.update(fields)
    return data


@pytest.fixture
def open_app(app_factory, mail_server):
    return app_factory(OPEN_REGISTRATION=True, **mail_server.settings)


def test_register_is_404_when_registration_is_closed(client):
    assert client.get("/auth/register").status_code == 404
    assert client.post("/auth/register", data=sign_up_form()).status_code == 404
    assert db.session.scalars(select(User)).all() == []
    assert "/auth/register" not in client.get("/auth/login").get_data(as_text=True)


def test_register_sends_confirmation_and_unconfirmed_user_cannot_publish(open_app, mail_server):
    client = open_app.test_client()
    assert client.get("/auth/register").status_code == 200
    response = client.post("/auth/register", data=sign_up_form())
    assert response.status_code == 302
    user = db.session.scalars(select(User)).one()
    assert (user.email, user.handle, user.confirmed_at) == ("olga@example.org", "olga", None)

    (mail,) = mail_server.inbox.wait_for(1)
    assert mail.recipients == ["olga@example.org"]
    assert mail.message["Subject"] == "Please confirm your email address"
    assert "Hello Olga Offen," in mail.text
    confirm_path = link_in(mail.text)
    assert confirm_path.startswith("/auth/confirm/")

    refused = client.post("/letters/new", data=letter_form())
    assert refused.status_code == 422
    assert "Please confirm your email address before you publish." in refused.get_data(as_text=True)
    assert db.session.scalars(select(Letter)).all() == []
    assert "Please confirm your email address" in client.get("/settings").get_data(as_text=True)

    assert client.get(confirm_path).status_code == 302
    db.session.refresh(user)
    assert user.confirmed_at is not None
    assert client.post("/letters/new", data=letter_form()).status_code == 302
    letter = db.session.scalars(select(Letter)).one()
    assert letter.status == LetterStatus.PUBLISHED


def test_confirmation_link_works_for_an_anonymous_visitor(open_app, mail_server):
    open_app.test_client().post("/auth/register", data=sign_up_form())
    (mail,) = mail_server.inbox.wait_for(1)
    response = open_app.test_client().get(link_in(mail.text))
    assert response.status_code == 302
    assert db.session.scalars(select(User)).one().confirmed_at is not None


def test_expired_or_forged_confirmation_link_is_refused(app_factory, mailbox, issued_days_ago):
    app = app_factory(OPEN_REGISTRATION=True)
    client = app.test_client()
    with issued_days_ago(3.1):
        client.post("/auth/register", data=sign_up_form())
    path = link_in(text_of(mailbox()[0]))
    response = client.get(path)
    assert response.status_code == 410
    assert "expired" in response.get_data(as_text=True)
    assert client.get(path[:-3] + "abc").status_code == 410
    assert db.session.scalars(select(User)).one().confirmed_at is None


def test_resending_the_confirmation_link(app_factory, mailbox):
    app = app_factory(OPEN_REGISTRATION=True)
    client = app.test_client()
    client.post("/auth/register", data=sign_up_form())
    response = client.post("/auth/confirm")
    assert response.status_code == 302
    first, second = mailbox()
    assert first["To"] == second["To"] == "olga@example.org"
    assert client.get(link_in(text_of(second))).status_code == 302
    assert db.session.scalars(select(User)).one().confirmed_at is not None


def test_register_refuses_taken_address_and_handle_on_their_fields(app_factory, make_user):
    app = app_factory(OPEN_REGISTRATION=True)
    make_user(email="olga@example.org", handle="olga")
    client = app.test_client()
    taken_address = client.post("/auth/register", data=sign_up_form(handle="olga2"))
    assert taken_address.status_code == 422
    page = taken_address.get_data(as_text=True)
    assert 'id="email-error">An account with this email address exists already.' in page
    taken_handle = client.post(
        "/auth/register", data=sign_up_form(email="new@example.org", handle="olga")
    )
    assert taken_handle.status_code == 422
    assert 'id="handle-error">This handle is taken.' in taken_handle.get_data(as_text=True)
    assert len(db.session.scalars(select(User)).all()) == 1


@pytest.mark.parametrize(
    "address", ["olga@example.org\r\nBcc: x@example.org", "olga@example.org\n", "not an address"]
)
def test_register_refuses_invalid_addresses(app_factory, mailbox, address):
    app = app_factory(OPEN_REGISTRATION=True)
    response = app.test_client().post("/auth/register", data=sign_up_form(email=address))
    assert response.status_code == 422
    assert 'id="email-error"' in response.get_data(as_text=True)
    assert mailbox() == []
    assert db.session.scalars(select(User)).all() == []


def test_register_session_is_fresh(app_factory):
    app = app_factory(OPEN_REGISTRATION=True)
    client = app.test_client()
    with client.session_transaction() as before:
        before["planted"] = "value"
    client.post("/auth/register", data=sign_up_form())
    with client.session_transaction() as after:
        assert "planted" not in after and "_user_id" in after


def test_sign_up_while_the_mail_server_is_down_gets_its_link_once_it_is_back(open_app, mail_server):
    client = open_app.test_client()
    mail_server.stop()
    assert client.post("/auth/register", data=sign_up_form()).status_code == 302
    assert db.session.scalars(select(User)).one().confirmed_at is None
    assert mail_server.inbox.wait_for(1, timeout=0.3) == []
    mail_server.start()
    db.session.execute(update(Notification).values(next_attempt_at=utc_now()))
    db.session.commit()
    (mail,) = mail_server.inbox.wait_for(1)
    assert client.get(link_in(mail.text)).status_code == 302
    assert db.session.scalars(select(User)).one().confirmed_at is not None
