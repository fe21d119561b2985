"""Email subscriptions: no account needed, double opt-in."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, Index, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column

from app.config import DEFAULT_TIMEZONE
from app.database import UTCDateTime, string_enum, utc_now
from app.extensions import db


class Target(enum.StrEnum):
    SITE = "site"
    AUTHOR = "author"
    THREAD = "thread"
    TAG = "tag"


class Frequency(enum.StrEnum):
    INSTANT = "instant"
    DAILY = "daily"
    WEEKLY = "weekly"


class Subscription(db.Model):
    """One address following one target (the whole site, an author, a thread or a tag)."""

    __tablename__ = "subscriptions"
    __table_args__ = (
        UniqueConstraint("email", "target", "target_id", name="uq_subscriptions_email_target"),
        Index("ix_subscriptions_target_target_id", "target", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    target: Mapped[Target] = mapped_column(string_enum(Target, 10))
    # The author's user id, the thread's root letter id or the tag id; 0 for the whole site.
    target_id: Mapped[int] = mapped_column(default=0)
    frequency: Mapped[Frequency] = mapped_column(
        string_enum(Frequency, 10), default=Frequency.INSTANT
    )
    locale: Mapped[str] = mapped_column(String(5), default="en")
    timezone: Mapped[str] = mapped_column(String(64), default=DEFAULT_TIMEZONE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Digests list the letters published after this moment.
    last_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Notices carry the whole letter, or a short excerpt (the same for every row of an address).
    whole_letter: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None
