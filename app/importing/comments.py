"""A post's comments as answers from outside, labelled as comments on the old blog.

Each approved comment becomes an answer the letter page shows under "From other sites"
(the webmentions feature's model): its author's name and address, its date, its text
sanitised as any answer from elsewhere is (no pictures, links marked as the writer's).
It is remembered by the comment's own address on the old blog, so importing the export
again adds none twice. Comments waiting for approval, spam, trash, pingbacks and trackbacks
stay out, counted.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import select

from app.database import upsert_insert, utc_now
from app.extensions import db
from app.importing.html_markdown import with_paragraphs
from app.importing.wxr import Channel, Comment, Item
from app.text.characters import cleaned_text
from app.text.markdown import sanitized
from app.webmentions.models import MentionKind, MentionStatus, ReceivedWebmention, url_key

# Rows written at once: well below the bound parameters every database allows.
BATCH = 500
UNAPPROVED = {"spam": "spam", "trash": "in the trash", "0": "waiting for approval"}
NOT_COMMENTS = {"pingback", "trackback"}
LABEL = {"de": "Kommentar auf {blog}", "en": "Comment on {blog}"}


class CommentImport:
    """Collects the comments of the posts that are imported, and writes them in batches."""

    def __init__(self, channel: Channel, letters_address: str, counts: Counter[str]) -> None:
        self.blog = channel.address
        self.domain = (channel.address.split("//", 1)[-1].split("/", 1)[0] or "?").lower()
        language = "de" if channel.language.lower().startswith("de") else "en"
        self.label = LABEL[language].format(blog=channel.title or self.domain)[:300]
        self.letters_address = letters_address
        self.counts = counts  # what became of the comments, for the report
        self.rows: list[dict[str, Any]] = []

    def add(self, item: Item, letter_id: int, slug: str) -> None:
        """The post's approved comments as answers to its letter; the others counted."""
        for comment in item.comments:
            reason = why_not(comment)
            if reason:
                self.counts[reason] += 1
            else:
                self.rows.append(self.answer(item, comment, letter_id, slug))
        if len(self.rows) >= BATCH:
            self.write()

    def answer(self, item: Item, comment: Comment, letter_id: int, slug: str) -> dict[str, Any]:
        """The row of one comment, as an answer shown at once (the import was asked for)."""
        source = f"{item.link or self.blog + '/?p=' + str(item.wp_id)}#comment-{comment.wp_id}"
        target = f"{self.letters_address}/{slug}"
        text = with_paragraphs(cleaned_text(comment.content)[0])
        now = utc_now()
        return {
            "pair_key": url_key(source, target), "source": source[:2000], "target": target,
            "letter_id": letter_id, "domain": self.domain[:255], "status": MentionStatus.SHOWN,
            "kind": MentionKind.REPLY, "author_name": cleaned_text(comment.author)[0][:200],
            "author_url": web_address(comment.author_url), "title": self.label,
            "content_html": sanitized(text, url_relative=("rewrite_with_base", self.blog + "/")),
            "published_at": comment.date or now, "verified_at": now, "due_at": None,
            "queued_at": now, "attempts": 0, "last_error": "",
        }  # fmt: skip

    def write(self) -> None:
        """Write what was collected; a comment there already (an earlier import) stays."""
        if not self.rows:
            return
        keys = [row["pair_key"] for row in self.rows]
        there = set(
            db.session.scalars(
                select(ReceivedWebmention.pair_key).where(ReceivedWebmention.pair_key.in_(keys))
            )
        )
        # A comment given twice in the export (the same ID) comes in once.
        new = list({row["pair_key"]: row for row in self.rows if row["pair_key"] not in there}
                   .values())  # fmt: skip
        if new:
            statement = upsert_insert(ReceivedWebmention).values(new).on_conflict_do_nothing()
            db.session.execute(statement)
        self.counts["imported"] += len(new)
        self.counts["already there"] += len(self.rows) - len(new)
        self.rows = []


def why_not(comment: Comment) -> str | None:
    """Why a comment does not become an answer, or None when it does."""
    if comment.kind in NOT_COMMENTS:
        return "pingbacks and trackbacks"
    if comment.approved != "1":
        return UNAPPROVED.get(comment.approved, "waiting for approval")
    return None


def web_address(url: str) -> str:
    """A commenter's http(s) address, else none: their link must lead to a web page."""
    url = url.strip()
    return url[:2000] if url.lower().startswith(("http://", "https://")) else ""
