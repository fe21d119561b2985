"""Which posts of which blog have come in already, and as which letter."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.database import UTCDateTime, utc_now
from app.extensions import db


class ImportedPost(db.Model):
    """A blog post that became a letter: importing the export again leaves it be."""

    __tablename__ = "imported_posts"

    # The blog's address without its scheme ("blog.example.org"), as address_key has it.
    source: Mapped[str] = mapped_column(String(200), primary_key=True)
    post_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"), index=True)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
