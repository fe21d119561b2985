"""Settings: profile fields, password and email address changes."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from app.accounts.service import create_user
from app.database import utc_now
from app.extensions import db
from app.outbox import Notice
from tests.support import PASSWORD, can_sign_in, link_in, sign_in, text_of

NEW_PASSWORD = "another long passphrase"


def profile_form(**fields: str) -> dict[str, str]:
    data = {
        "display_name": "Svenja Köhler",
        "role_line": "Managing director",
        "bio": "Writes about *listening*.",
        "salutation_name": "Svenja",
        "greeting_de": "Liebe",
        "default_closing": "Gruß",
        "locale": "de",
        "timezone": "Europe/Vienna",
    }
    data.update(fields)
    return data


def is_signed_in(client) -> bool:
    return client.get("/settings").status_code == 200


def test_settings_need_sign_in(client):
    response = client.get("/settings")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


def test_settings_page_labels_point_at_one_field_each(client, make_user):
    sign_in(client, make_user(confirmed=False))
    page = client.get("/settings").get_data(as_text=True)
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for target in re.findall(r'<label for="([^"]+)"', page):
        assert target in ids


def test_settings_form_saves_profile_fields(client, make_user):
    user = make_user("Svenja K")
    sign_in(client, user)
    response = client.post("/settings", data=profile_form())
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.display_name == "Svenja Köhler"
    assert user.role_line == "Managing director"
    assert user.bio_html == "<p>Writes about <em>listening</em>.</p>\n"
    assert (user.salutation_name, user.greeting_de, user.default_closing) == (
        "Svenja",
        "Liebe",
        "Gruß",
    )
    assert (user.locale, user.timezone) == ("de", "Europe/Vienna")
    assert 'value="Managing director"' in client.get("/settings").get_data(as_text=True)


def test_settings_form_cannot_set_fields_it_does_not_show(client, make_user):
    user = make_user()
    email, password_hash, handle = user.email, user.password_hash, user.handle
    sign_in(client, user)
    response = client.post(
        "/settings",
        data=profile_form(
            is_admin="1",
            email="other@example.org",
            password_hash="scrypt:1:1:1$x$y",
            handle="root",
            confirmed_at="",
            avatar_version="7",
            session_nonce="fixed",
            id="99",
        ),
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.is_admin is False
    assert (user.email, user.password_hash, user.handle) == (email, password_hash, handle)
    assert user.avatar_version == 0 and user.confirmed_at is not None and user.id != 99


def test_settings_form_shows_field_messages(client, make_user):
    user = make_user("Kept Name")
    sign_in(client, user)
    response = client.post(
        "/settings", data=profile_form(display_name="  ", locale="fr", role_line="r" * 121)
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="display_name-error"' in page
    assert 'id="locale-error"' in page
    assert 'id="role_line-error"' in page
    db.session.refresh(user)
    assert user.display_name == "Kept Name"


def test_bio_markup_is_sanitised(client, make_user):
    user = make_user()
    sign_in(client, user)
    client.post(
        "/settings", data=profile_form(bio="<script>alert(1)</script>[x](javascript:alert(1))")
    )
    page = client.get(f"/@{user.handle}").get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert 'href="javascript:' not in page


def test_change_password_needs_the_current_one(client, make_user):
    user = make_user()
    sign_in(client, user)
    response = client.post(
        "/settings/password",
        data={
            "current_password": "not the one",
            "password": NEW_PASSWORD,
            "password_repeat": NEW_PASSWORD,
        },
    )
    assert response.status_code == 422
    assert 'id="current_password-error">The current password is not right.' in response.get_data(
        as_text=True
    )
    assert can_sign_in(client.application, user.email, PASSWORD)


def test_change_password_signs_out_other_sessions_and_keeps_this_one(app, make_user):
    user = make_user()
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(here, user)
    sign_in(elsewhere, user)
    remembered = app.test_client()
    sign_in(remembered, user, remember=True)
    remembered.delete_cookie("session")
    assert is_signed_in(elsewhere) and is_signed_in(remembered)
    response = here.post(
        "/settings/password",
        data={
            "current_password": PASSWORD,
            "password": NEW_PASSWORD,
            "password_repeat": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert "Your password is changed." in here.get("/settings").get_data(as_text=True)
    assert is_signed_in(here)
    assert not is_signed_in(elsewhere)
    assert not is_signed_in(remembered)
    assert not can_sign_in(app, user.email, PASSWORD)
    assert can_sign_in(app, user.email, NEW_PASSWORD)


def test_change_password_keeps_a_remembered_device_remembered(app, make_user):
    user = make_user()
    client = app.test_client()
    sign_in(client, user, remember=True)
    client.post(
        "/settings/password",
        data={
            "current_password": PASSWORD,
            "password": NEW_PASSWORD,
            "password_repeat": NEW_PASSWORD,
        },
    )
    client.delete_cookie("session")
    assert is_signed_in(client)


def test_change_email_confirms_the_new_address_first(app_factory, mail_server, make_user):
    app = app_factory(**mail_server.settings)
    user = create_user("old@example.org", "Otto Old", PASSWORD)
    db.session.commit()
    client = app.test_client()
    sign_in(client, user)
    response = client.post(
        "/settings/email", data={"email": "New@Example.org", "current_password": PASSWORD}
    )
    assert response.status_code == 302
    (mail,) = mail_server.inbox.wait_for(1)
    assert mail.recipients == ["new@example.org"]
    assert "please confirm that this is your new address" in mail.text
    db.session.refresh(user)
    assert user.email == "old@example.org"
    assert can_sign_in(app, "old@example.org", PASSWORD)
    assert not can_sign_in(app, "new@example.org", PASSWORD)

    assert app.test_client().get(link_in(mail.text)).status_code == 302
    db.session.refresh(user)
    assert user.email == "new@example.org"
    assert can_sign_in(app, "new@example.org", PASSWORD)
    assert not can_sign_in(app, "old@example.org", PASSWORD)


def test_change_email_to_a_taken_address_gives_a_field_message(client, make_user, mailbox):
    make_user(email="taken@example.org")
    user = make_user()
    sign_in(client, user)
    response = client.post(
        "/settings/email", data={"email": "TAKEN@example.org", "current_password": PASSWORD}
    )
    assert response.status_code == 422
    assert 'id="email-error">Another account uses this address.' in response.get_data(as_text=True)
    assert mailbox() == []


def test_change_email_needs_the_password(client, make_user, mailbox):
    user = make_user()
    sign_in(client, user)
    response = client.post(
        "/settings/email", data={"email": "new@example.org", "current_password": "wrong one!"}
    )
    assert response.status_code == 422
    assert 'id="email_current_password-error">The password is not right.' in response.get_data(
        as_text=True
    )
    assert mailbox() == []


def test_change_email_link_refused_when_address_was_taken_meanwhile(client, make_user, mailbox):
    user = make_user()
    sign_in(client, user)
    client.post("/settings/email", data={"email": "new@example.org", "current_password": PASSWORD})
    make_user(email="new@example.org")
    response = client.get(link_in(text_of(mailbox()[0])))
    assert response.status_code == 409
    db.session.refresh(user)
    assert user.email != "new@example.org"


@pytest.mark.parametrize(
    "address", ["new@example.org\r\nBcc: x@example.org", "new@example.org\n", "new"]
)
def test_change_email_refuses_invalid_addresses(client, make_user, mailbox, address):
    sign_in(client, make_user())
    response = client.post("/settings/email", data={"email": address, "current_password": PASSWORD})
    assert response.status_code == 422
    assert 'id="email-error"' in response.get_data(as_text=True)
    assert mailbox() == []


def test_change_email_while_the_mail_server_is_down_confirms_once_it_is_back(
    app_factory, mail_server
):
    app = app_factory(**mail_server.settings)
    user = create_user("old@example.org", "Otto Old", PASSWORD)
    db.session.commit()
    client = app.test_client()
    sign_in(client, user)
    mail_server.stop()
    response = client.post(
        "/settings/email", data={"email": "new@example.org", "current_password": PASSWORD}
    )
    assert response.status_code == 302
    assert mail_server.inbox.wait_for(1, timeout=0.3) == []
    mail_server.start()
    db.session.execute(update(Notice).values(next_attempt_at=utc_now()))
    db.session.commit()
    (mail,) = mail_server.inbox.wait_for(1)
    assert mail.recipients == ["new@example.org"]


def test_change_email_to_the_current_address_is_refused(client, make_user, mailbox):
    user = make_user(email="me@example.org")
    sign_in(client, user)
    response = client.post(
        "/settings/email", data={"email": "Me@Example.org", "current_password": PASSWORD}
    )
    assert response.status_code == 422
    assert 'id="email-error">This is your address already.' in response.get_data(as_text=True)
    assert mailbox() == []
