"""Stored "more letters": the suggestions under each letter, and the letters waiting for theirs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from app.database import UTCDateTime, utc_now
from app.extensions import db


class LetterSuggestion(db.Model):
    """A letter shown under another as "more letters"; worked out when letters are published."""

    __tablename__ = "letter_suggestions"

    letter_id: Mapped[int] = mapped_column(
        ForeignKey("letters.id", ondelete="CASCADE"), primary_key=True
    )
    suggested_id: Mapped[int] = mapped_column(
        ForeignKey("letters.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(default=0)


class NeighbourRefresh(db.Model):
    """A newly published letter whose similar letters should work out their suggestions again.

    Worked through by the sender after the publishing request: no reader waits for it.
    """

    __tablename__ = "neighbour_refreshes"

    letter_id: Mapped[int] = mapped_column(
        ForeignKey("letters.id", ondelete="CASCADE"), primary_key=True
    )
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
