"""Mail kept by the development mailbox when no mail server is configured."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.database import UTCDateTime, utc_now
from app.extensions import db


class MailboxMessage(db.Model):
    """A message as it would have gone over SMTP, kept whole for /dev/mailbox."""

    __tablename__ = "mailbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(400))
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now, index=True)
