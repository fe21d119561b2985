"""Replies that came in by email: one row per message taken, which makes redelivery harmless."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.database import UTCDateTime, string_enum, utc_now
from app.extensions import db


class ReplyOutcome(enum.StrEnum):
    DRAFT = "draft"  # a colleague's reply, waiting for them to publish it
    PUBLISHED = "published"  # REPLY_BY_EMAIL=publish
    FORWARDED = "forwarded"  # a reader's reply, sent privately to the letter's author


class InboundReply(db.Model):
    """A reply to a notice, taken once: the same message delivered again finds this row."""

    __tablename__ = "inbound_replies"
    __table_args__ = (
        # Two deliveries of one message (an MTA retrying after a lost answer, two listeners)
        # insert the same key: the database lets one through.
        UniqueConstraint("message_key", "letter_id", name="uq_inbound_replies_message_letter"),
        Index("ix_inbound_replies_sender_outcome", "sender", "outcome", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The Message-ID, or a digest of the message when it has none.
    message_key: Mapped[str] = mapped_column(String(255))
    # The From address, lower-case: readers' replies are counted per address.
    sender: Mapped[str] = mapped_column(String(254))
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"))
    outcome: Mapped[ReplyOutcome] = mapped_column(string_enum(ReplyOutcome, 10))
    draft_id: Mapped[int | None] = mapped_column(
        ForeignKey("letters.id", ondelete="SET NULL"), index=True
    )
    # Attachments the message carried; they are not imported, and the draft says so.
    attachments: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
