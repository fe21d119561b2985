"""Bad input on the signing form gets a field message and a 4xx; nothing is stored or sent."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.signatures.listing import shown_signatures
from app.signatures.models import Signature
from tests.signatures.conftest import link_in, sign_form

BAD = [
    ({"name": "<script>alert(1)</script>"}, "name", "A name cannot contain"),
    ({"name": ""}, "name", "Please give your name."),
    ({"name": "   "}, "name", "Please give your name."),
    ({"name": "x" * 10_000}, "name", "100 characters"),
    ({"affiliation": "y" * 10_000}, "affiliation", "100 characters"),
    ({"affiliation": "<b>Big</b> Corp"}, "affiliation", "An affiliation cannot contain"),
    ({"email": "not-an-address"}, "email", "email"),
    ({"email": ""}, "email", "required"),
    ({"email": "a@example.org\r\nBcc: victim@example.org"}, "email", "email"),
    ({"email": "x" * 300 + "@example.org"}, "email", "254"),
    ({"email": "аda@example.org"}, "email", "letters of different alphabets"),
]


@pytest.mark.parametrize(("fields", "field", "message"), BAD, ids=[str(i) for i in range(len(BAD))])
def test_bad_input_gets_a_field_message(app, client, letter, fields, field, message, mail_server):
    response = client.post(f"/letters/{letter.slug}/sign", data=sign_form(**fields))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in html, html
    error = html.split(f'id="{field}-error">', 1)[1].split("</p>", 1)[0]
    assert message.lower() in error.lower(), error
    assert db.session.scalar(select(func.count()).select_from(Signature)) == 0


def test_markup_in_names_is_text_and_shown_escaped(app, client, letter, send_notices, mail_server):
    name, affiliation = "Ada **Byron** & [Co](javascript:alert(1))", "Tom's 'Garage' & Sons"
    client.post(f"/letters/{letter.slug}/sign", data=sign_form(name=name, affiliation=affiliation))
    send_notices()
    client.post(link_in(mail_server.inbox.mails[0].text, "/signatures/confirm/"))
    (shown,) = shown_signatures(letter.id)
    assert (shown.name, shown.affiliation) == (name, affiliation)
    page = client.get(f"/letters/{letter.slug}").get_data(as_text=True)
    assert "Ada **Byron** &amp; [Co](javascript:alert(1))" in page
    assert "Tom&#39;s &#39;Garage&#39; &amp; Sons" in page
    assert "<strong>Byron" not in page and 'href="javascript' not in page


def test_line_breaks_in_a_name_become_spaces(app, client, letter):
    client.post(f"/letters/{letter.slug}/sign", data=sign_form(name="Ada\r\nLovelace"))
    assert db.session.scalars(select(Signature.name)).one() == "Ada Lovelace"


def test_signing_is_rate_limited_per_ip(app_factory, mail_server, make_user, make_letter):
    app = app_factory(
        RATELIMIT_ENABLED=True, SIGN_LIMIT_PER_IP="3 per hour", **mail_server.settings
    )
    letter = make_letter(make_user(), None, title="Limited")
    client = app.test_client()
    for number in range(3):
        data = sign_form(f"a{number}@example.org")
        assert client.post(f"/letters/{letter.slug}/sign", data=data).status_code == 200
    data = sign_form("a4@example.org")
    assert client.post(f"/letters/{letter.slug}/sign", data=data).status_code == 429
    other = client.post(
        f"/letters/{letter.slug}/sign", data=data, environ_base={"REMOTE_ADDR": "10.9.9.9"}
    )
    assert other.status_code == 200


def test_forged_and_unknown_links_and_letters(app, client, letter):
    assert client.get("/signatures/confirm/forged").status_code == 410
    assert client.post("/signatures/confirm/forged").status_code == 410
    assert client.post("/letters/no-such-letter/sign", data=sign_form()).status_code == 404
    assert client.get(f"/letters/{letter.slug}/signatures?page=2").status_code == 404
    assert client.get(f"/letters/{letter.slug}/signatures?page=0").status_code == 404
    assert (
        client.get(f"/letters/{letter.slug}/signatures?page=99999999999999999999").status_code
        == 404
    )
