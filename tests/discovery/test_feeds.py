"""Atom feeds, microformats, canonical and Open Graph, sitemap and robots.txt."""

from __future__ import annotations

import feedparser
import mf2py

from tests.support import sign_in


def test_feeds_parse_without_error_and_hold_whole_letters(client, make_user, make_letter):
    anna, bert = make_user("Anna", handle="anna"), make_user("Bert")
    root = make_letter(
        anna,
        bert,
        title="Root & <Branch>",
        body="Body *text*.",
        salutation="Dear Bert,",
        closing="Best",
        signature="Anna",
        postscript="A postscript.",
    )
    make_letter(bert, anna, parent=root, title="Answer")
    sign_in(client, anna)
    client.post(
        f"/letters/{root.slug}/edit",
        data={
            "addressee": bert.handle,
            "addressee_name": "",
            "language": "en",
            "title": root.title,
            "body": "Body *text*.",
            "salutation": "Dear Bert,",
            "closing": "Best",
            "signature": "Anna",
            "postscript": "A postscript.",
            "tags": "Letters",
            "publish": "1",
        },
    )
    for url, expected in [
        ("/feed.atom", 2),
        ("/@anna/feed.atom", 1),
        (f"/threads/{root.slug}/feed.atom", 2),
        ("/tags/letters/feed.atom", 1),
    ]:
        response = client.get(url)
        assert response.status_code == 200
        assert response.mimetype == "application/atom+xml"
        feed = feedparser.parse(response.data)
        assert feed.bozo == 0, (url, feed.get("bozo_exception"))
        assert len(feed.entries) == expected, url
    entry = next(e for e in feedparser.parse(client.get("/@anna/feed.atom").data).entries)
    assert entry.title == "Root & <Branch>"
    assert entry.link == f"https://briefe.example.org/letters/{root.slug}"
    content = entry.content[0].value
    for part in ("Dear Bert,", "<em>text</em>", "Best", "Anna", "P.S.", "A postscript."):
        assert part in content
    assert client.get("/@nobody/feed.atom").status_code == 404
    assert client.get("/threads/nothing/feed.atom").status_code == 404


def test_pages_link_their_feeds(client, make_user, make_letter):
    anna = make_user("Anna", handle="anna")
    letter = make_letter(anna, None)
    assert 'type="application/atom+xml"' in client.get("/").get_data(as_text=True)
    page = client.get(f"/letters/{letter.slug}").get_data(as_text=True)
    assert 'href="/@anna/feed.atom"' in page
    thread = client.get(f"/threads/{letter.slug}").get_data(as_text=True)
    assert f'href="/threads/{letter.slug}/feed.atom"' in thread


def test_letter_page_has_canonical_open_graph_and_microformats(client, make_user, make_letter):
    anna, bert = make_user("Anna", handle="anna"), make_user("Bert", handle="bert")
    root = make_letter(anna, bert, title="First")
    reply = make_letter(bert, anna, parent=root, title="Second", body="Answer text.")
    html = client.get(f"/letters/{reply.slug}").get_data(as_text=True)
    url = f"https://briefe.example.org/letters/{reply.slug}"
    assert f'<link rel="canonical" href="{url}">' in html
    assert '<meta property="og:title" content="Second">' in html
    assert '<meta name="description" content="Answer text.">' in html
    parsed = mf2py.parse(doc=html, url=url)
    (entry,) = [item for item in parsed["items"] if "h-entry" in item["type"]]
    props = entry["properties"]
    assert props["name"] == ["Second"]
    assert props["in-reply-to"] == [f"https://briefe.example.org/letters/{root.slug}"]
    assert props["author"][0]["type"] == ["h-card"]
    assert props["author"][0]["properties"]["name"] == ["Bert"]
    assert props["published"][0].startswith(str(reply.published_at.year))
    assert "Answer text." in props["content"][0]["value"]


def test_sitemap_lists_everything_public_and_robots_points_to_it(client, make_user, make_letter):
    anna = make_user("Anna", handle="anna")
    root = make_letter(anna, None, title="Public root")
    make_letter(anna, None, parent=root, title="Public reply")
    make_letter(anna, None, title="Secret draft", publish=False)
    xml = client.get("/sitemap.xml").get_data(as_text=True)
    assert "https://briefe.example.org/letters/public-root" in xml
    assert "https://briefe.example.org/letters/public-reply" in xml
    assert "https://briefe.example.org/threads/public-root" in xml
    assert "https://briefe.example.org/threads/public-reply" not in xml
    assert "https://briefe.example.org/@anna" in xml
    assert "secret-draft" not in xml
    robots = client.get("/robots.txt").get_data(as_text=True)
    assert "Sitemap: https://briefe.example.org/sitemap.xml" in robots
