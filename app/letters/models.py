"""Letters, their revisions, and the threads they form."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, query_expression, relationship

from app.accounts.models import User
from app.database import UTCDateTime, string_enum, utc_now
from app.extensions import db


class LetterStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"
    HIDDEN = "hidden"


class Language(enum.StrEnum):
    DE = "de"
    EN = "en"


class Letter(db.Model):
    __tablename__ = "letters"
    __table_args__ = (
        Index("ix_letters_status_published_at", "status", "published_at"),
        # A correspondence's letters, and whether a later one follows (the front page).
        Index(
            "ix_letters_thread_root_id_status_published_at",
            "thread_root_id",
            "status",
            "published_at",
        ),  # fmt: skip
        Index("ix_letters_in_reply_to_id", "in_reply_to_id"),
        Index("ix_letters_author_id", "author_id"),
        Index("ix_letters_addressee_id", "addressee_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # Either a colleague or the free-text name of someone outside.
    addressee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    addressee_name: Mapped[str] = mapped_column(String(100), default="")
    salutation: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    excerpt: Mapped[str] = mapped_column(String(400), default="")
    closing: Mapped[str] = mapped_column(String(100), default="")
    signature: Mapped[str] = mapped_column(String(100), default="")
    postscript: Mapped[str] = mapped_column(Text, default="")
    postscript_html: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[Language] = mapped_column(string_enum(Language, 2), default=Language.EN)
    status: Mapped[LetterStatus] = mapped_column(
        string_enum(LetterStatus, 10), default=LetterStatus.DRAFT
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when a published letter's text is edited; drives "updated on …".
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    in_reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id"))
    # The root of the correspondence; a root letter points at itself.
    thread_root_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id"))
    # How many published letters the correspondence has: read with the letter by the letter
    # page's query (letters/queries.py), None when loaded otherwise. No column.
    published_in_thread: Mapped[int | None] = query_expression()

    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="raise")
    addressee: Mapped[User | None] = relationship(foreign_keys=[addressee_id], lazy="raise")
    in_reply_to: Mapped[Letter | None] = relationship(
        remote_side=[id], foreign_keys=[in_reply_to_id], lazy="raise"
    )
    thread_root: Mapped[Letter | None] = relationship(
        remote_side=[id], foreign_keys=[thread_root_id], lazy="raise", post_update=True
    )
    revisions: WriteOnlyMapped[Revision] = relationship(
        back_populates="letter", order_by="Revision.id", passive_deletes=True
    )

    @property
    def is_published(self) -> bool:
        return self.status == LetterStatus.PUBLISHED

    @property
    def opens_a_correspondence(self) -> bool:
        """The first letter of its correspondence, and not a draft: readers may know of it."""
        return self.thread_root_id == self.id and self.status != LetterStatus.DRAFT

    @property
    def addressee_display_name(self) -> str:
        """Whom the letter is to, as a reader sees it."""
        return self.addressee.display_name if self.addressee_id else self.addressee_name

    def __repr__(self) -> str:
        return f"<Letter {self.slug} {self.status}>"


class Revision(db.Model):
    """The text a published letter had before an edit."""

    __tablename__ = "revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    salutation: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    closing: Mapped[str] = mapped_column(String(100), default="")
    signature: Mapped[str] = mapped_column(String(100), default="")
    postscript: Mapped[str] = mapped_column(Text, default="")
    # When this text went live: the publication or the previous edit.
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime())
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)

    letter: Mapped[Letter] = relationship(back_populates="revisions", lazy="raise")
