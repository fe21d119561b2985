"""Events of published letters waiting to be fanned out, and the development mailbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.database import UTCDateTime, utc_now
from app.extensions import db


class LetterEvent(db.Model):
    """A letter was published; the sender turns this one row into a notice per recipient."""

    __tablename__ = "letter_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed: deleting a letter (a draft) finds its events without reading them all.
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"), index=True)
    # The author's display name at publishing: notices show it even if they rename themselves
    # before the sender runs. NULL on events recorded before it was kept.
    author_name: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    fanned_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)


class MailboxMessage(db.Model):
    """A message as it would have gone over SMTP, kept whole for /dev/mailbox."""

    __tablename__ = "mailbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(400))
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now, index=True)
