"""The outbox: one row per email to one address, written in the transaction that causes it.

Account mail (invitations, confirmations, resets) is queued here whole with
`app.mail.queue_email`; notices about letters are written by the notifications feature and
rendered when they are sent. The sender delivers every row.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.database import UTCDateTime, string_enum, utc_now
from app.extensions import db

# Lower goes first: a confirmation link should not wait behind a thousand notices.
ACCOUNT_PRIORITY = 0
NOTICE_PRIORITY = 10
DIGEST_PRIORITY = 20


class NoticeKind(enum.StrEnum):
    ACCOUNT = "account"  # invitations, confirmations, resets: sent ahead of everything
    SUBSCRIPTION_CONFIRM = "sub_confirm"
    SIGNATURE_CONFIRM = "sig_confirm"  # a reader's signature under a letter, to confirm
    LETTER_TO_YOU = "letter_to_you"
    REPLY_TO_YOU = "reply_to_you"
    THREAD_REPLY = "thread_reply"
    SUBSCRIPTION = "subscription"
    SIGNED_ANSWER = "signed_answer"  # an answer to a letter the recipient signed
    DIGEST = "digest"


# Composed whole in the request that asked for them (they carry a fresh token).
COMPOSED_IN_REQUEST = frozenset(
    {NoticeKind.ACCOUNT, NoticeKind.SUBSCRIPTION_CONFIRM, NoticeKind.SIGNATURE_CONFIRM}
)


class DeliveryState(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    DROPPED = "dropped"  # its letter was withdrawn or hidden before it went out


class Notice(db.Model):
    """One email to one address, written in the transaction of the event that causes it."""

    __tablename__ = "notifications"
    __table_args__ = (
        # One person gets one email per event, however many rules match.
        UniqueConstraint("event_id", "recipient", name="uq_notifications_event_recipient"),
        Index("ix_notifications_due", "state", "priority", "next_attempt_at"),
        Index("ix_notifications_recipient_kind", "recipient", "kind", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("letter_events.id", ondelete="CASCADE"))
    recipient: Mapped[str] = mapped_column(String(254))
    kind: Mapped[NoticeKind] = mapped_column(string_enum(NoticeKind, 20))
    locale: Mapped[str] = mapped_column(String(5), default="en")
    # Indexed: deleting a letter cascades here, and a scan of every notice would be slow.
    letter_id: Mapped[int | None] = mapped_column(
        ForeignKey("letters.id", ondelete="CASCADE"), index=True
    )
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("subscriptions.id", ondelete="SET NULL"),
        index=True,  # unsubscribing
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # Account mail is composed in the request (it carries a fresh token) and kept whole.
    raw: Mapped[bytes | None] = mapped_column(LargeBinary)
    # A letter notice carries the whole letter, or a short excerpt: the recipient's choice.
    whole_letter: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Digest: the ids of the letters it lists, comma-separated.
    letter_ids: Mapped[str] = mapped_column(Text, default="")
    priority: Mapped[int] = mapped_column(default=NOTICE_PRIORITY)
    state: Mapped[DeliveryState] = mapped_column(
        string_enum(DeliveryState, 10), default=DeliveryState.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str] = mapped_column(String(64), default="")
    last_error: Mapped[str] = mapped_column(Text, default="")
    message_id: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def listed_letter_ids(self) -> list[int]:
        """The letters a digest lists, in its order (none for other notices)."""
        return [int(part) for part in self.letter_ids.split(",") if part]
