"""Signers who asked are told of answers to the letter, and leave with one click (real SMTP)."""

from __future__ import annotations

from app.extensions import db
from app.signatures.models import Signature
from tests.signatures.conftest import link_in, sign_form
from tests.support import SITE_URL, sign_in


def signed_by_reader(client, letter, mail_server, send_notices, email: str, **fields: str) -> None:
    """A reader signs and follows the confirmation link."""
    client.post(f"/letters/{letter.slug}/sign", data=sign_form(email, **fields))
    send_notices()
    (confirmation,) = mail_server.inbox.to(email)
    assert client.post(link_in(confirmation.text, "/signatures/confirm/")).status_code == 200


def test_a_signer_who_asked_is_told_of_an_answer_and_unsubscribes_in_one_click(
    app, client, make_user, make_letter, author, letter, send_notices, mail_server
):
    signed_by_reader(
        client, letter, mail_server, send_notices, "ada@example.org", told_of_answers="y"
    )
    signed_by_reader(client, letter, mail_server, send_notices, "bob@example.org")  # did not ask
    sven = make_user("Sven Albrecht", email="sven@example.org")
    make_letter(sven, author, title="Re: For a four-day week", parent=letter)
    send_notices()
    (notice,) = [
        m for m in mail_server.inbox.to("ada@example.org") if "answered" in m.message["Subject"]
    ]
    assert notice.message["Subject"] == (
        "Sven Albrecht answered a letter you signed: Re: For a four-day week"
    )
    assert "Sven Albrecht answered “For a four-day week”, a letter you signed." in notice.text
    assert "you signed the letter it answers" in notice.text
    assert mail_server.inbox.to("bob@example.org")[1:] == []
    assert notice.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = notice.message["List-Unsubscribe"].strip("<>")
    path = url.removeprefix(SITE_URL)
    page = app.test_client().get(path)
    assert "emails about answers to “For a four-day week”, which you signed" in page.get_data(
        as_text=True
    )
    response = app.test_client().post(path, data={"List-Unsubscribe": "One-Click"})  # no cookie
    assert response.status_code == 200
    signature = db.session.scalars(db.select(Signature).filter_by(email="ada@example.org")).one()
    assert signature.told_of_answers is False and signature.confirmed_at is not None
    make_letter(sven, author, title="Another answer", parent=letter)
    send_notices()
    assert [m.message["Subject"] for m in mail_server.inbox.to("ada@example.org")][-1] == (
        "Sven Albrecht answered a letter you signed: Re: For a four-day week"
    )


def test_a_colleague_signer_is_told_once_and_never_of_their_own_answer(
    app, client, make_user, make_letter, author, letter, send_notices, mail_server
):
    sven = make_user("Sven Albrecht", email="sven@example.org")
    ute = make_user("Ute Bauer", email="ute@example.org")
    for colleague in (sven, ute):
        signer = app.test_client()
        sign_in(signer, colleague)
        signer.post(f"/letters/{letter.slug}/sign", data={"told_of_answers": "y"})
    make_letter(sven, author, title="My own answer", parent=letter)
    send_notices()
    assert mail_server.inbox.to("sven@example.org") == []
    (notice,) = mail_server.inbox.to("ute@example.org")
    assert notice.message["Subject"] == "Sven Albrecht answered a letter you signed: My own answer"


def test_the_writer_of_an_answer_sees_that_signers_will_be_told(
    app, client, make_user, letter, send_notices, mail_server
):
    signed_by_reader(
        client, letter, mail_server, send_notices, "ada@example.org", told_of_answers="y"
    )
    sign_in(writer := app.test_client(), make_user("Sven Albrecht"))
    page = writer.get(f"/letters/{letter.slug}/reply").get_data(as_text=True)
    assert "1 person who signed the letter it answers" in page


def test_unconfirmed_signers_are_not_told(
    app, client, make_user, make_letter, author, letter, send_notices, mail_server
):
    client.post(f"/letters/{letter.slug}/sign", data=sign_form(told_of_answers="y"))
    make_letter(make_user(), author, title="An answer", parent=letter)
    send_notices()
    assert len(mail_server.inbox.to("ada@example.org")) == 1  # the confirmation only
