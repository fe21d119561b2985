"""Names in order of signing, a page of their own past 100, the Atom entry, and fresh pages."""

from __future__ import annotations

import re

import feedparser
import pytest

from app.signatures.listing import shown_signatures
from tests.signatures.conftest import link_in, seed_signatures, sign_form
from tests.support import ServerLikeClient, csrf_token_from, server_like_client, sign_in


def press_the_button(client: ServerLikeClient, path: str) -> None:
    """Open the page a mail links to and press its button, form token and all."""
    token = csrf_token_from(client.get(path).get_data(as_text=True))
    assert client.post(path, data={"csrf_token": token}).status_code == 200


def names_on(html: str) -> list[str]:
    return re.findall(r'<span class="signer-name">([^<]+)</span>', html)


def test_names_in_order_of_signing_and_a_page_of_their_own_past_100(app, client, letter):
    seed_signatures(letter, 230)
    page = client.get(f"/letters/{letter.slug}").get_data(as_text=True)
    assert "Signed by 230 people" in page
    assert names_on(page) == [f"Signer {number:04d}" for number in range(100)]
    assert f'href="/letters/{letter.slug}/signatures?page=2"' in page
    second = client.get(f"/letters/{letter.slug}/signatures?page=2").get_data(as_text=True)
    assert names_on(second) == [f"Signer {number:04d}" for number in range(100, 200)]
    assert '<ol class="signature-list" start="101">' in second
    third = client.get(f"/letters/{letter.slug}/signatures?page=3").get_data(as_text=True)
    assert names_on(third) == [f"Signer {number:04d}" for number in range(200, 230)]
    assert "Page 3 of 3" in third and "page=4" not in third
    assert client.get(f"/letters/{letter.slug}/signatures?page=4").status_code == 404
    assert [s.name for s in shown_signatures(letter.id)][-1] == "Signer 0229"


def test_a_letter_page_runs_as_many_statements_with_150_signatures_as_with_1(
    app, make_user, make_letter, author, count_queries
):
    one, many = (make_letter(author, None, title=title) for title in ("One", "Many"))
    seed_signatures(one, 1)
    seed_signatures(many, 150)
    colleague = make_user("Sven Albrecht")
    for signed_in in (False, True):
        client = server_like_client(app)
        if signed_in:
            sign_in(client, colleague)
        counts = []
        for letter in (one, many):
            with count_queries() as counter:
                response = client.get(f"/letters/{letter.slug}")
            assert response.status_code == 200
            counts.append(counter.count)
        assert counts[0] == counts[1], (signed_in, counts)


def test_the_atom_entry_carries_the_signatures(app, client, letter, make_user):
    seed_signatures(letter, 3, affiliation="Guild of Letters")
    seed_signatures(letter, 1, start=3, named=False)
    feed = client.get("/feed.atom")
    assert feed.status_code == 200
    parsed = feedparser.parse(feed.data)
    assert not parsed.bozo, parsed.bozo_exception
    (entry,) = parsed.entries
    content = entry.content[0].value
    assert "Signed by 4 people" in content
    assert "Signer 0000, Guild of Letters" in content and "Signer 0003" not in content
    author_feed = client.get("/@svenja/feed.atom").get_data(as_text=True)
    assert "Signed by 4 people" in author_feed


def test_the_signed_out_letter_page_is_fresh_once_a_signature_is_confirmed(
    app, letter, send_notices, mail_server
):
    reader = server_like_client(app)
    path = f"/letters/{letter.slug}"
    assert reader.get(path).headers["X-Page-Cache"] == "miss"
    kept = reader.get(path)
    assert kept.headers["X-Page-Cache"] == "hit" and "Nobody has signed" in kept.get_data(
        as_text=True
    )
    assert kept.headers["Cache-Control"].startswith("public")
    signer = server_like_client(app)
    sign_page = signer.get(f"{path}/sign")
    assert sign_page.headers["Cache-Control"] == "private, no-store"  # it carries a form token
    token = csrf_token_from(sign_page.get_data(as_text=True))
    assert signer.post(f"{path}/sign", data=sign_form(csrf_token=token)).status_code == 200
    assert reader.get(path).headers["X-Page-Cache"] == "hit"  # nothing to show yet
    send_notices()
    press_the_button(signer, link_in(mail_server.inbox.mails[0].text, "/signatures/confirm/"))
    fresh = reader.get(path)
    assert fresh.headers["X-Page-Cache"] == "miss"
    assert "Signed by 1 person" in fresh.get_data(as_text=True)
    withdraw = link_in(mail_server.inbox.mails[0].text, "/signatures/withdraw/")
    reader.get(path)
    press_the_button(signer, withdraw)
    again = reader.get(path)
    assert again.headers["X-Page-Cache"] == "miss"
    assert "Nobody has signed" in again.get_data(as_text=True)


@pytest.fixture
def app(app_factory, mail_server):
    # CSRF on, as in production: the shared page must hold no form token.
    return app_factory(WTF_CSRF_ENABLED=True, **mail_server.settings)
