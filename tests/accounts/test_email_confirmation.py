"""An unconfirmed address is confirmed by an emailed link; until then nothing is published."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.letters.models import Letter, LetterStatus
from tests.support import letter_form, link_in, sign_in, text_of


def test_unconfirmed_colleague_cannot_publish_until_the_link_is_followed(
    client, make_user, mailbox
):
    user = make_user("Olga Offen", confirmed=False)
    sign_in(client, user)
    refused = client.post("/letters/new", data=letter_form())
    assert refused.status_code == 422
    assert "Please confirm your email address before you publish." in refused.get_data(as_text=True)
    assert db.session.scalars(select(Letter)).all() == []
    assert "Please confirm your email address" in client.get("/settings").get_data(as_text=True)

    assert client.post("/auth/confirm").status_code == 302
    (mail,) = mailbox()
    assert mail["To"] == user.email
    assert mail["Subject"] == "Please confirm your email address"
    assert "Hello Olga Offen," in text_of(mail)
    path = link_in(text_of(mail))
    assert path.startswith("/auth/confirm/")
    assert client.get(path).status_code == 302
    db.session.refresh(user)
    assert user.confirmed_at is not None
    assert client.post("/letters/new", data=letter_form()).status_code == 302
    assert db.session.scalars(select(Letter)).one().status == LetterStatus.PUBLISHED


def test_confirmation_link_works_for_an_anonymous_visitor(app, client, make_user, mailbox):
    user = make_user(confirmed=False)
    sign_in(client, user)
    client.post("/auth/confirm")
    response = app.test_client().get(link_in(text_of(mailbox()[0])))
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.confirmed_at is not None


def test_expired_or_forged_confirmation_link_is_refused(
    client, make_user, mailbox, issued_days_ago
):
    user = make_user(confirmed=False)
    with issued_days_ago(3.1):  # the session cookie too: a later one would be "from the future"
        sign_in(client, user)
        client.post("/auth/confirm")
    path = link_in(text_of(mailbox()[0]))
    response = client.get(path)
    assert response.status_code == 410
    assert "expired" in response.get_data(as_text=True)
    assert client.get(path[:-3] + "abc").status_code == 410
    db.session.refresh(user)
    assert user.confirmed_at is None


def test_the_newest_of_several_confirmation_links_works(client, make_user, mailbox):
    user = make_user(confirmed=False)
    sign_in(client, user)
    client.post("/auth/confirm")
    client.post("/auth/confirm")
    first, second = mailbox()
    assert first["To"] == second["To"] == user.email
    assert client.get(link_in(text_of(second))).status_code == 302
    db.session.refresh(user)
    assert user.confirmed_at is not None
