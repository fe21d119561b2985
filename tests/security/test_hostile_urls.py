"""Addresses that URL parsers refuse never give a 500: a field message, or plain text.

`urlsplit` raises ValueError for an unclosed IPv6 bracket, a bracketed host that is no IP
address, and a host that NFKC normalisation would change ("℀" becomes "a/c"). Every field
that reads an address meets them here. The test app propagates exceptions, so a 500 fails
these tests with its traceback.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.letters.models import Letter
from app.links.models import Link, LinkKind
from tests.support import PASSWORD, letter_form

HOSTILE_URLS = [
    "https://[::1",
    "https://[::1 x",
    "https://[zz]/ x",
    "https://]/",
    "http://[",
    "https://[v1.x]/",
    "https://[::1]:99999/",
    "https://example.org:port/",
    "https://℀.example/",
    "https://a℁b/",
    "https://a／b/",
    "https://example.org℀/",
    "https://xn--/",
    "https://xn--zz.example/",
    "https://ß.example/",
    "https://\u200b/",
    "https:///path",
    "https://" + "a" * 300 + ".example/",
]
URLS_THAT_CANNOT_BE_READ = [
    "https://[::1",
    "https://[::1 x",
    "https://[zz]/ x",
    "https://]/",
    "http://[",
    "https://℀.example/",
    "https://a℁b/",
    "https://a／b/",
    "https://example.org℀/",
]


def related_message(html: str) -> str:
    _, found, rest = html.partition('id="related-error">')
    return rest.split("</p>", 1)[0] if found else ""


def letter_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Letter))


@pytest.mark.parametrize("url", URLS_THAT_CANNOT_BE_READ, ids=repr)
def test_an_unreadable_related_address_gets_a_field_message(client, writer, url):
    response = client.post("/letters/new", data=letter_form(related=url))
    assert response.status_code == 422
    assert "Line 1: this is not a web address that can be read" in related_message(
        response.get_data(as_text=True)
    )
    assert letter_count() == 0


def test_the_message_names_the_line_of_the_unreadable_address(client, writer):
    related = "https://example.org/fine A fine link\nhttps://[zz]/ x"
    response = client.post("/letters/new", data=letter_form(related=related, preview="Preview"))
    assert response.status_code == 422
    assert "Line 2:" in related_message(response.get_data(as_text=True))


@pytest.mark.parametrize("url", HOSTILE_URLS, ids=repr)
def test_a_hostile_related_address_is_refused_or_kept_never_a_500(client, writer, url):
    response = client.post("/letters/new", data=letter_form(related=url))
    assert response.status_code in (302, 422)
    if response.status_code == 422:
        assert related_message(response.get_data(as_text=True))
    else:
        assert client.get("/letters/on-listening").status_code == 200


@pytest.mark.parametrize("field", ["body", "postscript"])
def test_hostile_addresses_in_the_text_preview_save_and_show(client, writer, field):
    text = "\n\n".join(
        f"See {url} and <{url}> and [this]({url}).\n\n[ref{n}]: {url}\n\nAlso [ref{n}]."
        for n, url in enumerate(HOSTILE_URLS)
    )
    preview = client.post("/letters/new", data=letter_form(preview="Preview", **{field: text}))
    assert preview.status_code == 200
    assert client.post("/letters/new", data=letter_form(**{field: text})).status_code == 302
    assert client.get("/letters/on-listening").status_code == 200


@pytest.mark.parametrize("url", HOSTILE_URLS, ids=repr)
def test_a_hostile_next_address_leads_home(client, make_user, url):
    user = make_user()
    assert client.get("/language/de", query_string={"next": url}).headers["Location"] == "/"
    response = client.post("/language", data={"lang": "en", "next": url})
    assert response.headers["Location"] == "/"
    response = client.post(
        "/auth/login",
        query_string={"next": url},
        data={"email": user.email, "password": PASSWORD},
    )
    assert response.headers["Location"] == "/"


def test_an_unreadable_address_saved_earlier_still_shows_the_letter(client, make_user, make_letter):
    letter = make_letter(make_user(), title="Older letter")
    db.session.add(
        Link(letter_id=letter.id, kind=LinkKind.RELATED, url="https://[zz]/", label="Old link")
    )
    db.session.commit()
    page = client.get(f"/letters/{letter.slug}")
    assert page.status_code == 200
    assert "Old link" in page.get_data(as_text=True)
