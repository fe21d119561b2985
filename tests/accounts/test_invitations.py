"""Admins invite colleagues; the emailed link creates the account, once, within 7 days."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from app.accounts.models import User
from app.accounts.service import create_user
from app.database import utc_now
from app.extensions import db
from app.outbox import Notice
from tests.support import PASSWORD, link_in, sign_in, text_of


def account_form(**fields: str) -> dict[str, str]:
    data = {
        "display_name": "Nora Neu",
        "handle": "nora",
        "password": PASSWORD,
        "password_repeat": PASSWORD,
    }
    data.update(fields)
    return data


@pytest.fixture
def smtp_app(app_factory, mail_server):
    return app_factory(**mail_server.settings)


def invite_through_admin_page(app, make_admin_client, address="nora@example.org", host=None):
    client = make_admin_client(app, host=host)
    return client, client.post("/admin", data={"email": address})


@pytest.fixture
def make_admin_client():
    def make(app, host=None):
        admin = create_user("admin@example.org", "Ada Admin", PASSWORD, is_admin=True)
        db.session.commit()
        client = app.test_client()
        if host:
            client.environ_base["HTTP_HOST"] = host
        sign_in(client, admin)
        return client

    return make


def test_admin_page_sends_invitation_over_smtp_with_site_url_link(
    smtp_app, mail_server, make_admin_client
):
    client, response = invite_through_admin_page(smtp_app, make_admin_client, host="evil.example")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin"
    assert "Invitation sent to nora@example.org." in client.get("/admin").get_data(as_text=True)
    (mail,) = mail_server.inbox.wait_for(1)
    assert mail.recipients == ["nora@example.org"]
    assert mail.message["Subject"] == "Invitation to Briefwechsel"
    assert "Ada Admin invites you to Briefwechsel" in mail.text
    assert "the link works for 7 days" in mail.text
    path = link_in(mail.text)
    assert path.startswith("/auth/invite/")
    assert f'href="https://briefe.example.org{path}"' in mail.html
    assert "evil.example" not in mail.text and "evil.example" not in mail.html


def test_invitation_link_ignores_forwarded_host_headers(smtp_app, mail_server, make_admin_client):
    client = make_admin_client(smtp_app)
    client.post(
        "/admin",
        data={"email": "nora@example.org"},
        headers={"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http"},
    )
    (mail,) = mail_server.inbox.wait_for(1)
    assert link_in(mail.text).startswith("/auth/invite/")
    assert "evil.example" not in mail.raw.decode()


def test_following_the_invitation_creates_the_account_and_signs_in(
    smtp_app, mail_server, make_admin_client
):
    invite_through_admin_page(smtp_app, make_admin_client)
    (mail,) = mail_server.inbox.wait_for(1)
    path = link_in(mail.text)
    visitor = smtp_app.test_client()
    page = visitor.get(path)
    assert page.status_code == 200
    assert "Create your account for nora@example.org." in page.get_data(as_text=True)
    response = visitor.post(path, data=account_form())
    assert response.status_code == 302
    assert response.headers["Location"] == "/settings"
    settings = visitor.get("/settings")
    assert settings.status_code == 200
    assert "Currently: nora@example.org" in settings.get_data(as_text=True)
    user = db.session.scalars(select(User).where(User.email == "nora@example.org")).one()
    assert (user.handle, user.display_name, user.is_admin) == ("nora", "Nora Neu", False)
    assert user.confirmed_at is not None


@pytest.mark.parametrize(
    "headers,cookie,locale",
    [
        ({"Accept-Language": "de-DE,de;q=0.9"}, None, "de"),
        ({"Accept-Language": "en-GB,en;q=0.9"}, None, "en"),
        ({"Accept-Language": "en-GB,en;q=0.9"}, "de", "de"),  # chosen with the footer links
    ],
)
def test_an_invitee_keeps_the_language_they_set_up_their_account_in(
    app, runner, mailbox, headers, cookie, locale
):
    runner.invoke(args=["users", "invite", "nora@example.org"])
    path = link_in(text_of(mailbox()[0]))
    visitor = app.test_client()
    if cookie:
        visitor.get(f"/language/{cookie}?next=/")
    visitor.post(path, data=account_form(), headers=headers)
    user = db.session.scalars(select(User).where(User.email == "nora@example.org")).one()
    assert user.locale == locale
    settings = visitor.get("/settings", headers={"Accept-Language": "fr"})
    assert f'<html lang="{locale}">' in settings.get_data(as_text=True)


def test_invitation_link_cannot_be_used_twice(app, runner, mailbox):
    runner.invoke(args=["users", "invite", "nora@example.org"])
    path = link_in(text_of(mailbox()[0]))
    first = app.test_client()
    assert first.post(path, data=account_form()).status_code == 302
    second = app.test_client()
    assert second.get(path).status_code == 410
    response = second.post(path, data=account_form(handle="nora2"))
    assert response.status_code == 410
    assert "This invitation was used already. Please sign in." in response.get_data(as_text=True)
    assert len(db.session.scalars(select(User)).all()) == 1


def test_invitation_link_expires_after_seven_days(app, runner, mailbox, issued_days_ago):
    with issued_days_ago(7.01):
        runner.invoke(args=["users", "invite", "late@example.org"])
    with issued_days_ago(6.9):
        runner.invoke(args=["users", "invite", "early@example.org"])
    late, early = (link_in(text_of(message)) for message in mailbox())
    client = app.test_client()
    response = client.post(late, data=account_form())
    assert response.status_code == 410
    assert "expired" in response.get_data(as_text=True)
    assert client.get(early).status_code == 200


def test_forged_or_foreign_purpose_token_is_refused(app, client, make_user, mailbox):
    user = make_user()
    client.post("/auth/reset", data={"email": user.email})
    reset_token = link_in(text_of(mailbox()[0])).rsplit("/", 1)[1]
    assert client.get(f"/auth/invite/{reset_token}").status_code == 410
    assert client.get("/auth/invite/not-a-token").status_code == 410
    assert client.get(f"/auth/invite/{reset_token[:-2]}xx").status_code == 410


def test_invitation_form_shows_field_messages(app, runner, mailbox, make_user):
    make_user(handle="taken")
    runner.invoke(args=["users", "invite", "nora@example.org"])
    path = link_in(text_of(mailbox()[0]))
    client = app.test_client()
    response = client.post(path, data=account_form(handle="taken"))
    assert response.status_code == 422
    assert "This handle is taken." in response.get_data(as_text=True)
    response = client.post(path, data=account_form(handle="Not Valid"))
    assert response.status_code == 422
    assert "lower-case letters" in response.get_data(as_text=True)
    response = client.post(path, data=account_form(password="short", password_repeat="short"))
    assert response.status_code == 422
    response = client.post(path, data=account_form(password_repeat="something different"))
    assert response.status_code == 422
    assert "The passwords differ." in response.get_data(as_text=True)
    assert client.post(path, data=account_form(handle="")).status_code == 302
    assert db.session.scalars(select(User).where(User.handle == "nora")).one()


def test_admin_page_refuses_address_with_account(client, make_user, mailbox):
    make_user(email="taken@example.org")
    sign_in(client, make_user(is_admin=True))
    response = client.post("/admin", data={"email": "Taken@Example.org"})
    assert response.status_code == 422
    assert "This colleague has an account already." in response.get_data(as_text=True)
    assert mailbox() == []


@pytest.mark.parametrize(
    "address",
    [
        "a@example.org\r\nBcc: x@example.org",
        "a@example.org\nBcc: x@example.org",
        "a@example.org\r\n",
        "a@example.org\n",
        "a@example.org\rBcc: x@example.org",
    ],
)
def test_admin_invite_refuses_header_injection(
    app_factory, mail_server, make_admin_client, address
):
    app = app_factory(**mail_server.settings)
    client = make_admin_client(app)
    response = client.post("/admin", data={"email": address})
    assert response.status_code == 422
    assert 'class="field-error"' in response.get_data(as_text=True)
    assert mail_server.inbox.wait_for(1, timeout=0.3) == []


def test_invitation_while_the_mail_server_is_down_arrives_once_it_is_back(
    smtp_app, mail_server, make_admin_client
):
    client = make_admin_client(smtp_app)
    mail_server.stop()
    response = client.post("/admin", data={"email": "nora@example.org"})
    assert response.status_code == 302  # queued in the outbox; nothing for the admin to redo
    assert mail_server.inbox.wait_for(1, timeout=0.3) == []
    mail_server.start()
    db.session.execute(update(Notice).values(next_attempt_at=utc_now()))
    db.session.commit()
    (mail,) = mail_server.inbox.wait_for(1)
    assert mail.recipients == ["nora@example.org"]
    assert mail_server.inbox.wait_for(2, timeout=0.3) == [mail]  # exactly once


def test_invitation_handle_with_a_trailing_line_break_is_refused(app, runner, mailbox):
    runner.invoke(args=["users", "invite", "nora@example.org"])
    path = link_in(text_of(mailbox()[0]))
    response = app.test_client().post(path, data=account_form(handle="nora\n"))
    assert response.status_code == 422
    assert db.session.scalars(select(User)).all() == []


def test_signed_token_with_an_unreadable_payload_is_refused(app, client):
    from app.accounts.tokens import _serializer

    with app.test_request_context():
        for purpose, path in [("invite", "/auth/invite/"), ("reset", "/auth/reset/")]:
            token = _serializer(purpose).make_signer().sign(b"not-base64-json!").decode()
            assert client.get(path + token).status_code == 410, purpose
        token = _serializer("confirm").make_signer().sign(b"bm90IGpzb24").decode()
        assert client.get("/auth/confirm/" + token).status_code == 410
