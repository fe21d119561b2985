"""Authors close signing, admins remove signatures, and only published letters are signed."""

from __future__ import annotations

from app.extensions import db
from app.letters.service import set_hidden, withdraw_letter
from app.signatures.listing import shown_signatures
from tests.signatures.conftest import link_in, seed_signatures, sign_form
from tests.support import sign_in


def test_the_author_closes_and_reopens_signing(app, client, make_user, author, letter):
    sign_in(client, author)
    page = client.get(f"/letters/{letter.slug}").get_data(as_text=True)
    assert "Close signing" in page
    assert (
        client.post(f"/letters/{letter.slug}/signing", data={"action": "close"}).status_code == 302
    )
    reader = app.test_client()
    page = reader.get(f"/letters/{letter.slug}").get_data(as_text=True)
    assert "Signing of this letter is closed." in page and "/sign" not in page
    refused = reader.post(f"/letters/{letter.slug}/sign", data=sign_form())
    assert refused.status_code == 409
    assert "Signing of this letter is closed." in refused.get_data(as_text=True)
    assert reader.get(f"/letters/{letter.slug}/sign").status_code == 409
    colleague = app.test_client()
    sign_in(colleague, make_user("Sven Albrecht"))
    assert colleague.post(f"/letters/{letter.slug}/sign").status_code == 409
    assert shown_signatures(letter.id) == []
    client.post(f"/letters/{letter.slug}/signing", data={"action": "open"})
    assert colleague.post(f"/letters/{letter.slug}/sign").status_code == 302
    assert [s.name for s in shown_signatures(letter.id)] == ["Sven Albrecht"]


def test_only_the_author_switches_signing(app, client, make_user, letter):
    sign_in(client, make_user("Sven Albrecht"))
    assert (
        client.post(f"/letters/{letter.slug}/signing", data={"action": "close"}).status_code == 403
    )
    assert app.test_client().post(f"/letters/{letter.slug}/signing").status_code == 302  # to login


def test_a_pending_signature_is_not_confirmed_once_signing_closed(
    app, client, author, letter, send_notices, mail_server
):
    client.post(f"/letters/{letter.slug}/sign", data=sign_form())
    send_notices()
    author_client = app.test_client()
    sign_in(author_client, author)
    author_client.post(f"/letters/{letter.slug}/signing", data={"action": "close"})
    confirm = link_in(mail_server.inbox.mails[0].text, "/signatures/confirm/")
    response = client.post(confirm)
    assert response.status_code == 409
    assert "closed" in response.get_data(as_text=True)
    assert shown_signatures(letter.id) == []


def test_an_admin_removes_a_signature(app, client, make_user, letter):
    seed_signatures(letter, 2, affiliation="Troll Farm")
    first, second = shown_signatures(letter.id)
    admin = make_user("Admin", is_admin=True)
    sign_in(client, admin)
    page = client.get(f"/letters/{letter.slug}/signatures").get_data(as_text=True)
    assert f"/signatures/{first.id}/remove" in page
    path = f"/letters/{letter.slug}/signatures/{first.id}/remove"
    response = client.post(path, data={"next": f"/letters/{letter.slug}"})
    assert response.headers["Location"] == f"/letters/{letter.slug}"
    assert [s.id for s in shown_signatures(letter.id)] == [second.id]
    assert "Signed by 1 person" in app.test_client().get(f"/letters/{letter.slug}").get_data(
        as_text=True
    )
    assert client.post(path, data={"next": "https://elsewhere.example"}).status_code == 404
    # The removed address cannot sign again, and the reader is told nothing different.
    reader = app.test_client()
    response = reader.post(f"/letters/{letter.slug}/sign", data=sign_form("signer0@example.org"))
    assert response.status_code == 200
    assert [s.id for s in shown_signatures(letter.id)] == [second.id]


def test_colleagues_who_are_not_admins_cannot_remove(app, client, make_user, letter):
    seed_signatures(letter, 1)
    (signature,) = shown_signatures(letter.id)
    sign_in(client, make_user("Sven Albrecht"))
    page = client.get(f"/letters/{letter.slug}").get_data(as_text=True)
    assert "/remove" not in page
    response = client.post(f"/letters/{letter.slug}/signatures/{signature.id}/remove")
    assert response.status_code == 404
    assert len(shown_signatures(letter.id)) == 1


def test_a_withdrawn_letter_cannot_be_signed(app, client, make_user, letter):
    withdraw_letter(letter)
    db.session.commit()
    assert "Sign this letter" not in client.get(f"/letters/{letter.slug}").get_data(as_text=True)
    response = client.post(f"/letters/{letter.slug}/sign", data=sign_form())
    assert response.status_code == 410
    assert "withdrawn: it can no longer be signed" in response.get_data(as_text=True)
    sign_in(colleague := app.test_client(), make_user("Sven Albrecht"))
    assert colleague.post(f"/letters/{letter.slug}/sign").status_code == 410


def test_a_hidden_letter_cannot_be_signed(app, client, make_user, author, letter):
    set_hidden(letter, hidden=True)
    db.session.commit()
    assert client.post(f"/letters/{letter.slug}/sign", data=sign_form()).status_code == 404
    sign_in(admin := app.test_client(), make_user("Admin", is_admin=True))
    page = admin.get(f"/letters/{letter.slug}").get_data(as_text=True)
    assert "Sign this letter" not in page
    response = admin.post(f"/letters/{letter.slug}/sign")
    assert response.status_code == 409
    assert "hidden: it cannot be signed" in response.get_data(as_text=True)


def test_a_draft_cannot_be_signed(app, client, make_letter, author):
    draft = make_letter(author, None, title="Not yet", publish=False)
    assert client.post(f"/letters/{draft.slug}/sign", data=sign_form()).status_code == 404
    sign_in(client, author)
    assert "Sign this letter" not in client.get(f"/letters/{draft.slug}").get_data(as_text=True)
    response = client.post(f"/letters/{draft.slug}/sign")
    assert response.status_code == 409
    assert "A draft cannot be signed" in response.get_data(as_text=True)


def test_the_author_does_not_sign_their_own_letter(app, client, author, letter):
    sign_in(client, author)
    assert "Sign this letter" not in client.get(f"/letters/{letter.slug}").get_data(as_text=True)
    response = client.post(f"/letters/{letter.slug}/sign")
    assert response.status_code == 409
    assert "You wrote this letter" in response.get_data(as_text=True)
    assert client.get(f"/letters/{letter.slug}/sign").status_code == 409
    assert shown_signatures(letter.id) == []
