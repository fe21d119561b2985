"""Webmentions: answers other sites send us, and our notices to the pages letters link to."""

from __future__ import annotations

import enum
import hashlib
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.database import UTCDateTime, string_enum, utc_now
from app.extensions import db


def url_key(*urls: str) -> str:
    """A fixed-size key for one or two addresses (a unique index over 2,000 characters is not)."""
    return hashlib.sha256("\n".join(urls).encode("utf-8", "surrogatepass")).hexdigest()


class QueuedWork:
    """What the sender needs to work a row off in the background: when, how often, whose claim."""

    # When the row is due for work; None: nothing to do.
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    attempts: Mapped[int] = mapped_column(default=0)
    # The sender working on the row, until when: another takes it over after that.
    claim: Mapped[str | None] = mapped_column(String(32))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(String(500), default="")


class MentionKind(enum.StrEnum):
    REPLY = "reply"  # in-reply-to the letter
    LIKE = "like"
    REPOST = "repost"
    MENTION = "mention"  # any other page that links to the letter


class MentionStatus(enum.StrEnum):
    CHECKING = "checking"  # received, not yet verified
    WAITING = "waiting"  # verified; its site waits for an admin's approval
    SHOWN = "shown"
    REJECTED = "rejected"


class ReceivedWebmention(QueuedWork, db.Model):
    """A page elsewhere (source) that links to one of our letters (target): one row per pair."""

    __tablename__ = "received_webmentions"
    __table_args__ = (
        Index("ix_received_webmentions_letter_id_status", "letter_id", "status"),
        Index("ix_received_webmentions_status_domain", "status", "domain"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_key: Mapped[str] = mapped_column(String(64), unique=True)  # url_key(source, target)
    source: Mapped[str] = mapped_column(String(2000))
    target: Mapped[str] = mapped_column(String(2000))
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"))
    domain: Mapped[str] = mapped_column(String(255))  # the source's host, lower-case
    status: Mapped[MentionStatus] = mapped_column(
        string_enum(MentionStatus, 10), default=MentionStatus.CHECKING
    )
    kind: Mapped[MentionKind] = mapped_column(
        string_enum(MentionKind, 10), default=MentionKind.MENTION
    )
    # What the source's microformats say (an answer is shown with them).
    author_name: Mapped[str] = mapped_column(String(200), default="")
    author_url: Mapped[str] = mapped_column(String(2000), default="")
    title: Mapped[str] = mapped_column(String(300), default="")
    content_html: Mapped[str] = mapped_column(Text, default="")  # sanitised
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SiteStanding(enum.StrEnum):
    APPROVED = "approved"  # its mentions show at once
    BLOCKED = "blocked"  # its mentions are dropped, and those it had are hidden


class WebmentionSite(db.Model):
    """An admin's decision about a site (a host) that sends us webmentions."""

    __tablename__ = "webmention_sites"

    domain: Mapped[str] = mapped_column(String(255), primary_key=True)
    standing: Mapped[SiteStanding] = mapped_column(string_enum(SiteStanding, 10))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class SendState(enum.StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    NO_ENDPOINT = "no-endpoint"  # the page takes no webmentions
    FAILED = "failed"  # refused, or still failing after two days
    SKIPPED = "skipped"  # the letter is no longer public and the page was never told of it


class SentWebmention(QueuedWork, db.Model):
    """A page outside that a letter links to, and whether it was told (one row per pair)."""

    __tablename__ = "sent_webmentions"
    __table_args__ = (
        UniqueConstraint("letter_id", "target_key", name="uq_sent_webmentions_letter_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"))
    target: Mapped[str] = mapped_column(String(2000))
    target_key: Mapped[str] = mapped_column(String(64))  # url_key(target)
    state: Mapped[SendState] = mapped_column(string_enum(SendState, 12), default=SendState.QUEUED)
    endpoint: Mapped[str] = mapped_column(String(2000), default="")
    # The last time the page was told: a letter taken back tells it again (it then answers 410).
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
