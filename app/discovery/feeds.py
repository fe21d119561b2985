"""Atom feeds (feedgen): each entry carries the whole letter, salutation to P.S.

An answer names the letter it answers with RFC 4685's `thr:in-reply-to`, so feed readers
can thread a correspondence.
"""

from __future__ import annotations

from collections.abc import Iterable

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from flask import current_app, render_template
from lxml import etree

from app.database import utc_now
from app.letters.models import Letter
from app.signatures.listing import FeedSignatures, signatures_for_feed
from app.web import absolute_url

THREADING = "http://purl.org/syndication/thread/1.0"


class Threading(BaseExtension):
    """Declares the namespace of RFC 4685 (Atom Threading Extensions) on the feed."""

    def extend_ns(self) -> dict[str, str]:
        return {"thr": THREADING}


class ThreadingEntry(BaseEntryExtension):
    """An entry's `thr:in-reply-to`: the id and the page of the letter it answers."""

    def __init__(self) -> None:
        self.parent_url: str | None = None

    def in_reply_to(self, url: str) -> None:
        self.parent_url = url

    def extend_atom(self, entry: etree._Element) -> etree._Element:
        if self.parent_url:
            attributes = {"ref": self.parent_url, "href": self.parent_url, "type": "text/html"}
            etree.SubElement(entry, f"{{{THREADING}}}in-reply-to", attributes)
        return entry


def atom_feed(title: str, page_url: str, feed_url: str, letters: Iterable[Letter]) -> bytes:
    """An Atom document for these letters, newest first."""
    letters = list(letters)
    feed = FeedGenerator()
    feed.register_extension("thr", Threading, ThreadingEntry, atom=True, rss=False)
    feed.id(feed_url)
    feed.title(title)
    feed.link(href=page_url, rel="alternate", type="text/html")
    feed.link(href=feed_url, rel="self", type="application/atom+xml")
    feed.language("en")
    feed.generator(current_app.config["SITE_NAME"])
    newest = max((letter.edited_at or letter.published_at for letter in letters), default=None)
    if newest is not None:
        feed.updated(newest)
    else:
        feed.updated(utc_now())
    signatures = signatures_for_feed([letter.id for letter in letters])
    for letter in reversed(letters):  # feedgen puts the last added entry first
        add_entry(feed, letter, signatures.get(letter.id))
    return feed.atom_str(pretty=True)


def add_entry(
    feed: FeedGenerator, letter: Letter, signatures: FeedSignatures | None = None
) -> None:
    """The whole letter, and who signed it (a count and the first names)."""
    url = absolute_url("letters.show", slug=letter.slug)
    entry = feed.add_entry()
    entry.id(url)
    entry.title(letter.title)
    entry.link(href=url, rel="alternate", type="text/html")
    author = letter.author
    if author.is_former:
        entry.author({"name": author.display_name})
    else:
        entry.author(
            {"name": author.display_name,
             "uri": absolute_url("discovery.profile", handle=author.handle)}
        )  # fmt: skip
    entry.published(letter.published_at)
    entry.updated(letter.edited_at or letter.published_at)
    entry.summary(letter.excerpt)
    html = render_template("discovery/feed_entry.html", letter=letter, signatures=signatures)
    entry.content(html, type="html")
    parent = letter.in_reply_to if letter.in_reply_to_id else None
    if parent is not None and parent.is_published:
        # The parent's entry id is its address, as each entry's is.
        entry.thr.in_reply_to(absolute_url("letters.show", slug=parent.slug))
