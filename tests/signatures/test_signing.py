"""Signing a letter: colleagues in one click, readers after confirming by email (real SMTP)."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app.extensions import db
from app.signatures.forms import OneClickSignForm
from app.signatures.listing import shown_signatures
from app.signatures.models import Signature
from tests.signatures.conftest import link_in, sign_form
from tests.support import csrf_token_from, sign_in, without_footer


def signature_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Signature)) or 0


def test_a_colleague_signs_in_one_click_and_appears_once(app, client, make_user, letter):
    sven = make_user("Sven Albrecht", handle="sven", role_line="Managing director")
    sign_in(client, sven)
    page = client.get(f"/letters/{letter.slug}").get_data(as_text=True)
    assert f'action="/letters/{letter.slug}/sign"' in page and "Sign this letter" in page
    response = client.post(f"/letters/{letter.slug}/sign")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/letters/{letter.slug}#signatures"
    assert client.post(f"/letters/{letter.slug}/sign").status_code == 302  # twice: still one
    page = client.get(f"/letters/{letter.slug}").get_data(as_text=True)
    assert "Signed by 1 person" in page
    assert page.count('<a href="/@sven">Sven Albrecht</a>, <span class="affiliation">') == 1
    assert "You signed this letter." in page and "Withdraw my signature" in page
    assert [s.name for s in shown_signatures(letter.id)] == ["Sven Albrecht"]
    assert signature_count() == 1


def test_a_reader_signs_confirms_by_mail_and_appears(
    app, client, letter, send_notices, mail_server
):
    page = client.get(f"/letters/{letter.slug}").get_data(as_text=True)
    assert f'href="/letters/{letter.slug}/sign"' in page and "csrf_token" not in page
    form_page = client.get(f"/letters/{letter.slug}/sign")
    assert form_page.status_code == 200 and 'name="email"' in form_page.get_data(as_text=True)
    response = client.post(f"/letters/{letter.slug}/sign", data=sign_form("Ada@Example.org"))
    assert response.status_code == 200
    assert "Check your inbox" in response.get_data(as_text=True)
    send_notices()
    (mail,) = mail_server.inbox.mails
    assert mail.recipients == ["ada@example.org"]
    assert mail.message["Subject"] == "Please confirm your signature under “For a four-day week”"
    assert "Hello Ada Lovelace," in mail.text and "Svenja Köhler" in mail.text
    assert mail.message["List-Unsubscribe"] is None  # asked-for mail
    confirm = link_in(mail.text, "/signatures/confirm/")
    assert client.get(confirm).status_code == 200  # a mail scanner confirms nothing
    assert shown_signatures(letter.id) == []
    assert "Nobody has signed" in client.get(f"/letters/{letter.slug}").get_data(as_text=True)
    assert client.post(confirm).status_code == 200
    (shown,) = shown_signatures(letter.id)
    assert (shown.name, shown.affiliation) == ("Ada Lovelace", "Analytical Engines")
    page = client.get(f"/letters/{letter.slug}").get_data(as_text=True)
    assert "Signed by 1 person" in page and "Ada Lovelace" in page
    again = client.get(confirm)
    assert again.status_code == 200 and "confirmed already" in again.get_data(as_text=True)


def test_an_unconfirmed_signature_is_never_shown_nor_counted(app, client, letter):
    client.post(f"/letters/{letter.slug}/sign", data=sign_form(name="Pending Person"))
    assert signature_count() == 1
    page = client.get(f"/letters/{letter.slug}").get_data(as_text=True)
    assert "Pending Person" not in page and "Signed by" not in page
    listing = client.get(f"/letters/{letter.slug}/signatures").get_data(as_text=True)
    assert "Pending Person" not in listing and "Signed by 0 people" in listing
    feed = client.get("/feed.atom").get_data(as_text=True)
    assert "Pending Person" not in feed and "Signed by" not in feed


def test_one_signature_per_address_and_full_width_is_the_same_address(
    app, client, letter, send_notices, mail_server
):
    client.post(f"/letters/{letter.slug}/sign", data=sign_form("ada@example.org"))
    send_notices()
    client.post(link_in(mail_server.inbox.mails[0].text, "/signatures/confirm/"))
    again = client.post(f"/letters/{letter.slug}/sign", data=sign_form("ADA@example.org"))
    full_width = client.post(f"/letters/{letter.slug}/sign", data=sign_form("ａｄａ＠example.org"))
    assert again.status_code == full_width.status_code == 200  # the same answer as a new address
    assert signature_count() == 1
    send_notices()
    later = mail_server.inbox.to("ada@example.org")[1:]
    assert [mail.message["Subject"] for mail in later] == [
        "Your signature under “For a four-day week”"
    ] * 2
    assert "has signed it already" in later[0].text and "/signatures/confirm/" not in later[0].text
    assert len(shown_signatures(letter.id)) == 1


def test_a_look_alike_address_gets_a_field_message(app, client, letter, send_notices, mail_server):
    client.post(f"/letters/{letter.slug}/sign", data=sign_form("ada@example.org"))
    for look_alike in ["аda@example.org", "ada@exаmple.org", "ѕven@example.org"]:  # Cyrillic а, ѕ
        response = client.post(f"/letters/{letter.slug}/sign", data=sign_form(look_alike))
        html = response.get_data(as_text=True)
        assert response.status_code == 422, look_alike
        assert 'class="field-error"' in html and "letters of different alphabets" in html
    assert signature_count() == 1
    send_notices()
    assert len(mail_server.inbox.mails) == 1


def test_at_most_three_confirmation_mails_to_an_address_a_day(
    app, client, make_letter, author, send_notices, mail_server
):
    letters = [make_letter(author, None, title=f"Letter {number}") for number in range(5)]
    for letter in letters:
        response = client.post(f"/letters/{letter.slug}/sign", data=sign_form("ada@example.org"))
        assert response.status_code == 200
    send_notices()
    assert len(mail_server.inbox.to("ada@example.org")) == 3


def test_counted_but_not_named(app, client, letter, make_user, send_notices, mail_server):
    client.post(f"/letters/{letter.slug}/sign", data=sign_form(name="Quiet Reader", hide_name="y"))
    send_notices()
    client.post(link_in(mail_server.inbox.mails[0].text, "/signatures/confirm/"))
    colleague = make_user("Named Colleague")
    sign_in(colleague_client := app.test_client(), colleague)
    colleague_client.post(f"/letters/{letter.slug}/sign")
    page = client.get(f"/letters/{letter.slug}").get_data(as_text=True)
    assert "Signed by 2 people" in page and "Named Colleague" in page
    assert "Quiet Reader" not in page and "1 person signed without being named." in page
    assert [s.name for s in shown_signatures(letter.id)] == ["Named Colleague"]
    feed = client.get("/feed.atom").get_data(as_text=True)
    assert "Quiet Reader" not in feed and "Signed by 2 people" in feed


def test_withdrawing_through_the_link_in_the_mail(app, client, letter, send_notices, mail_server):
    client.post(f"/letters/{letter.slug}/sign", data=sign_form())
    send_notices()
    (mail,) = mail_server.inbox.mails
    client.post(link_in(mail.text, "/signatures/confirm/"))
    assert len(shown_signatures(letter.id)) == 1
    withdraw = link_in(mail.text, "/signatures/withdraw/")
    assert client.get(withdraw).status_code == 200  # a button, nothing changed
    assert len(shown_signatures(letter.id)) == 1
    response = client.post(withdraw)
    assert response.status_code == 200
    assert "Your signature is withdrawn" in response.get_data(as_text=True)
    assert signature_count() == 0
    assert "Ada Lovelace" not in client.get(f"/letters/{letter.slug}").get_data(as_text=True)
    assert client.post(withdraw).status_code == 200  # twice: harmless
    assert client.get(withdraw).status_code == 410
    assert client.get("/signatures/withdraw/forged").status_code == 404
    assert client.post(link_in(mail.text, "/signatures/confirm/")).status_code == 410


def test_a_colleague_withdraws_on_the_letter_page(app, client, make_user, letter):
    sign_in(client, make_user("Sven Albrecht"))
    client.post(f"/letters/{letter.slug}/sign")
    response = client.post(f"/letters/{letter.slug}/signature/withdraw")
    assert response.status_code == 302
    assert signature_count() == 0
    assert "Sign this letter" in client.get(f"/letters/{letter.slug}").get_data(as_text=True)


def test_the_page_and_the_mail_speak_the_signers_language(
    app, client, letter, send_notices, mail_server
):
    german = {"Accept-Language": "de"}
    page = client.get(f"/letters/{letter.slug}/sign", headers=german).get_data(as_text=True)
    assert "Diesen Brief unterzeichnen" in page and "Zugehörigkeit (freiwillig)" in page
    client.post(f"/letters/{letter.slug}/sign", data=sign_form(), headers=german)
    send_notices()
    (mail,) = mail_server.inbox.mails
    assert (
        mail.message["Subject"] == "Bitte bestätige deine Unterschrift unter „For a four-day week“"
    )
    assert "Um deine Unterschrift zu bestätigen" in mail.text
    assert "Um deine Unterschrift jederzeit zurückzuziehen:" in mail.text
    assert "Deine Unterschrift zurückziehen" in mail.html


CONFIRMATION_TEXT = """\
Hello Ada Lovelace,

someone (we hope it was you) asked to sign the open letter “For a four-day week” by Svenja \
Köhler on Briefwechsel with this address.

To confirm your signature, open this link and press the button:
https://briefe.example.org/signatures/confirm/TOKEN

If it was not you, ignore this email: the signature counts only once it is confirmed.

The letter: https://briefe.example.org/letters/for-a-four-day-week

To withdraw your signature at any time:
https://briefe.example.org/signatures/withdraw/TOKEN
"""


def test_the_confirmation_mail_reads_as_written(app, client, letter, send_notices, mail_server):
    client.post(f"/letters/{letter.slug}/sign", data=sign_form())
    send_notices()
    (mail,) = mail_server.inbox.mails
    text = re.sub(r"(/signatures/\w+/)[\w.\-]+", r"\1TOKEN", without_footer(mail.text))
    assert text.strip() == CONFIRMATION_TEXT.strip()


def test_the_one_click_form_on_the_page_sends_what_signing_reads(
    app_factory, make_user, make_letter
):
    """The box's form is written out, not built from OneClickSignForm: its inputs must stay
    the form's fields, and its choices and token must take effect (CSRF checked here)."""
    app = app_factory(WTF_CSRF_ENABLED=True)
    author = make_user("Svenja Köhler", handle="svenja")
    letter = make_letter(author, None, title="For a four-day week", addressee_name="The board")
    sven = make_user("Sven Albrecht", handle="sven")
    client = app.test_client()
    sign_in(client, sven)
    page = client.get(f"/letters/{letter.slug}").get_data(as_text=True)
    form = re.search(r'<form[^>]*class="sign-form">(.*?)</form>', page, re.S).group(1)
    names = set(re.findall(r'<input[^>]*name="([^"]+)"', form))
    labels = dict(re.findall(r'<label for="([^"]+)">([^<]+)</label>', form))
    with app.test_request_context():
        fields = OneClickSignForm()
        assert names == {field.name for field in fields}
        assert labels == {field.name: field.label.text for field in fields if field.name in labels}
        assert set(labels) == names - {"csrf_token"}
    choices = {"csrf_token": csrf_token_from(form), "hide_name": "y", "told_of_answers": "y"}
    assert client.post(f"/letters/{letter.slug}/sign", data=choices).status_code == 302
    signature = db.session.scalars(select(Signature)).one()
    assert (signature.user_id, signature.named, signature.told_of_answers) == (sven.id, False, True)
    assert client.post(f"/letters/{letter.slug}/sign", data={"hide_name": "y"}).status_code == 400
