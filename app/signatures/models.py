"""Signatures under open letters, and letters whose author closed signing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.database import UTCDateTime, utc_now
from app.extensions import db

MAX_NAME_LENGTH = 100
MAX_AFFILIATION_LENGTH = 100


class Signature(db.Model):
    """One address standing behind one letter; shown once confirmed, unless removed."""

    __tablename__ = "signatures"
    __table_args__ = (
        # One signature per address and letter (addresses are kept folded and lower-cased).
        UniqueConstraint("letter_id", "email", name="uq_signatures_letter_email"),
        # The shown signatures of a letter in order of signing, read along this index.
        Index("ix_signatures_letter_confirmed", "letter_id", "confirmed_at", "id"),
        Index("ix_signatures_email", "email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"))
    # A colleague's signature; None for a reader without an account.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(MAX_NAME_LENGTH))
    affiliation: Mapped[str] = mapped_column(String(MAX_AFFILIATION_LENGTH), default="")
    # False: counted, but the name is not shown.
    named: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # The signer asked to be told of answers to the letter.
    told_of_answers: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    locale: Mapped[str] = mapped_column(String(5), default="en")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Removed by an admin (moderation): neither shown nor counted, and not signed again.
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User | None] = relationship(lazy="raise")

    @property
    def shown_name(self) -> str:
        """A colleague under the name they have now; a reader as they signed."""
        return self.user.display_name if self.user_id and self.user else self.name


class ClosedSigning(db.Model):
    """A letter whose author closed signing (until they open it again)."""

    __tablename__ = "closed_signings"

    letter_id: Mapped[int] = mapped_column(
        ForeignKey("letters.id", ondelete="CASCADE"), primary_key=True
    )
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
