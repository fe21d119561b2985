"""Tags, and links from a letter to other letters or to outside discussions."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, string_enum
from app.extensions import db


class Tag(db.Model):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    slug: Mapped[str] = mapped_column(String(60), unique=True)


class LetterTag(db.Model):
    """A tag on a letter; the first (position 0) is shown as the letter's category."""

    __tablename__ = "letter_tags"
    # A tag page reads a tag's newest letters straight from this index, however many it has.
    __table_args__ = (
        Index("ix_letter_tags_tag_id_published_at", "tag_id", "published_at", "letter_id"),
    )

    letter_id: Mapped[int] = mapped_column(
        ForeignKey("letters.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)
    # The letter's, kept here too (None while a draft) so the index above orders by it.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    tag: Mapped[Tag] = relationship(lazy="joined")


class LinkKind(enum.StrEnum):
    RELATED = "related"  # named by the author under "related discussions"
    MENTION = "mention"  # found in the body or P.S.


class Link(db.Model):
    """From a letter to another letter of the site, or to an outside URL with a label."""

    __tablename__ = "links"
    __table_args__ = (
        UniqueConstraint("letter_id", "kind", "target_letter_id", "url", name="uq_links_target"),
        Index("ix_links_target_letter_id", "target_letter_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"), index=True)
    kind: Mapped[LinkKind] = mapped_column(string_enum(LinkKind, 10))
    target_letter_id: Mapped[int | None] = mapped_column(
        ForeignKey("letters.id", ondelete="CASCADE")
    )
    url: Mapped[str] = mapped_column(String(2000), default="")
    label: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(default=0)
