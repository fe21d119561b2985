"""Atom entries of answers name the letter they answer (RFC 4685, thr:in-reply-to)."""

from __future__ import annotations

import feedparser
import mf2py
from lxml import etree

from app.extensions import db
from app.letters.service import set_hidden
from tests.support import SITE_URL, letter_form, sign_in

ATOM = "{http://www.w3.org/2005/Atom}"
THREADING = "http://purl.org/syndication/thread/1.0"


def entries_of(client, path: str) -> dict[str, etree._Element]:
    """The feed's entries by their id, after checking that feed readers take the feed."""
    data = client.get(path).data
    parsed = feedparser.parse(data)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    root = etree.fromstring(data)
    assert root.nsmap["thr"] == THREADING  # declared once, on the feed
    return {entry.findtext(f"{ATOM}id"): entry for entry in root.iter(f"{ATOM}entry")}


def test_an_answer_names_the_letter_it_answers(client, make_user, make_letter):
    anna, bert = make_user("Anna", handle="anna"), make_user("Bert", handle="bert")
    root = make_letter(anna, bert, title="First")
    reply = make_letter(bert, anna, parent=root, title="Second")
    root_url, reply_url = f"{SITE_URL}/letters/{root.slug}", f"{SITE_URL}/letters/{reply.slug}"

    for path in ("/feed.atom", f"/threads/{root.slug}/feed.atom", "/@bert/feed.atom"):
        entries = entries_of(client, path)
        (answered,) = entries[reply_url].findall(f"{{{THREADING}}}in-reply-to")
        assert dict(answered.attrib) == {"ref": root_url, "href": root_url, "type": "text/html"}
        if root_url in entries:
            assert entries[root_url].find(f"{{{THREADING}}}in-reply-to") is None


def test_an_answer_to_a_hidden_letter_names_nothing(client, make_user, make_letter):
    anna, bert = make_user("Anna"), make_user("Bert")
    root = make_letter(anna, bert, title="First")
    reply = make_letter(bert, anna, parent=root, title="Second")
    set_hidden(root, hidden=True)
    db.session.commit()
    entries = entries_of(client, "/feed.atom")
    assert entries[f"{SITE_URL}/letters/{reply.slug}"].find(f"{{{THREADING}}}in-reply-to") is None


def test_a_letter_page_names_the_outside_discussion_it_answers(client, make_user):
    sign_in(client, make_user())
    form = letter_form()
    form["related"] = "https://elsewhere.example/letters/a-question Their question"
    client.post("/letters/new", data=form)

    html = client.get("/letters/on-listening").get_data(as_text=True)

    parsed = mf2py.parse(doc=html, url=f"{SITE_URL}/letters/on-listening")
    (entry,) = [item for item in parsed["items"] if "h-entry" in item["type"]]
    assert entry["properties"]["in-reply-to"] == ["https://elsewhere.example/letters/a-question"]
    assert entry["properties"]["url"] == [f"{SITE_URL}/letters/on-listening"]
