"""Colleague accounts."""

from __future__ import annotations

import enum
import re
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Index, LargeBinary, String, Text, text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.config import DEFAULT_TIMEZONE
from app.database import UTCDateTime, string_enum, utc_now
from app.extensions import db


def new_session_nonce() -> str:
    """A random value that, when changed, signs every session of a user out."""
    return secrets.token_urlsafe(12)


# The one table of greetings: offered in the write form and, in German, as a colleague's own.
GREETINGS = {
    "de": ("Liebe", "Lieber", "Hallo", "Guten Tag"),
    "en": ("Dear", "Hello", "Hi"),
}
# The form of an @handle: it is part of profile URLs.
HANDLE_PATTERN = re.compile(r"[a-z0-9_]{2,32}")  # use fullmatch


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased: addresses are unique regardless of case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    handle: Mapped[str] = mapped_column(String(32), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    role_line: Mapped[str] = mapped_column(String(120), default="")
    bio: Mapped[str] = mapped_column(Text, default="")
    bio_html: Mapped[str] = mapped_column(Text, default="")
    salutation_name: Mapped[str] = mapped_column(String(100), default="")
    # How this person wants to be greeted in German; never guessed from the name.
    greeting_de: Mapped[str] = mapped_column(String(20), default="Hallo")
    default_closing: Mapped[str] = mapped_column(String(100), default="")
    locale: Mapped[str] = mapped_column(String(5), default="en")
    timezone: Mapped[str] = mapped_column(String(64), default=DEFAULT_TIMEZONE)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    session_nonce: Mapped[str] = mapped_column(String(32), default=new_session_nonce)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    last_signed_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    avatar_png: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    avatar_version: Mapped[int] = mapped_column(default=0)
    # Set when the colleague deleted the account: the row stays, emptied, so that the letters
    # they chose to keep still have an author ("a former colleague").
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def get_id(self) -> str:
        """Session identity: changing the nonce (new password) ends all other sessions."""
        return f"{self.id}:{self.session_nonce}"

    @property
    def is_former(self) -> bool:
        """The account was deleted; what is left of it only signs the letters kept."""
        return self.deleted_at is not None

    @property
    def greeting_name(self) -> str:
        """The name a salutation uses: the preferred one, else the first name."""
        return self.salutation_name or self.display_name.split(" ")[0]

    @property
    def initials(self) -> str:
        """Up to two initials for the generated avatar."""
        parts = [part for part in self.display_name.split() if part[:1].isalnum()]
        letters = "".join(part[0] for part in parts[:1] + parts[1:][-1:])
        return (letters or self.handle[:1]).upper()

    def __repr__(self) -> str:
        return f"<User @{self.handle}>"


class NoticeSettings(db.Model):
    """Which notices a colleague wants; no row means all of them."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    letters_to_me: Mapped[bool] = mapped_column(Boolean, default=True)
    replies_to_my_letters: Mapped[bool] = mapped_column(Boolean, default=True)
    threads_i_wrote_in: Mapped[bool] = mapped_column(Boolean, default=True)
    # Notices carry the whole letter, or a short excerpt.
    whole_letter: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


# A personal note on an invitation is a few lines, not a letter.
INVITATION_NOTE_MAX_LENGTH = 1000
PENDING = "accepted_at IS NULL AND revoked_at IS NULL"


class Invitation(db.Model):
    """An emailed invitation to create an account; pending until accepted or revoked."""

    __tablename__ = "invitations"
    __table_args__ = (
        # One pending invitation per address: inviting again sends that one again.
        Index(
            "uq_invitations_pending_email",
            "email",
            unique=True,
            sqlite_where=text(PENDING),
            postgresql_where=text(PENDING),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))  # lower-cased, like User.email
    # None when it came from the command line.
    inviter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(INVITATION_NOTE_MAX_LENGTH), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    last_sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    inviter: Mapped[User | None] = relationship()

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None


class AccessScope(enum.StrEnum):
    """What a personal access token lets a program do in its colleague's name."""

    READ = "read"  # read what the colleague may read, their drafts too
    WRITE = "write"  # also write, answer and publish letters


class AccessToken(db.Model):
    """A personal access token for the JSON API; only a digest of its secret is kept."""

    __tablename__ = "access_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    scope: Mapped[AccessScope] = mapped_column(string_enum(AccessScope, 5))
    # The token's first characters after "bw_", random: the row is found by them, so that the
    # digest is compared with one row only.
    lookup: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of the whole token, hex
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(lazy="raise")

    @property
    def can_write(self) -> bool:
        return self.scope == AccessScope.WRITE
