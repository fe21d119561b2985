"""A letter as its own page shows it: plain rows, read in one statement.

The letter page is the one most read. Loading a mapped Letter with its four related objects
(author, addressee, the letter answered, the correspondence's first letter) cost five times
the statement itself; the page reads the same attributes from frozen dataclasses instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, func, select

from app.accounts.models import User
from app.letters.models import Language, Letter, LetterStatus
from app.reads import prepared, read_rows

LETTER_ROWS, THREAD_MATE_ROWS = Letter.__table__, Letter.__table__.alias("thread_mate")
PUBLISHED_IN_THREAD_OF_ROW = (
    select(func.count())
    .where(
        THREAD_MATE_ROWS.c.thread_root_id == LETTER_ROWS.c.thread_root_id,
        THREAD_MATE_ROWS.c.status == LetterStatus.PUBLISHED,
    )
    .correlate(LETTER_ROWS)
    .scalar_subquery()
)


@dataclass(frozen=True)
class ShownPerson:
    """A colleague as a letter page shows them: name, link, picture and author box."""

    id: int
    handle: str
    display_name: str
    role_line: str
    bio_html: str
    avatar_version: int
    deleted_at: datetime | None

    @property
    def is_former(self) -> bool:
        return self.deleted_at is not None


@dataclass(frozen=True)
class ShownName:
    display_name: str


@dataclass(frozen=True)
class ShownParent:
    """The letter answered, as the "in reply to" line names it."""

    slug: str
    title: str
    status: LetterStatus
    author: ShownName


@dataclass(frozen=True)
class ShownRoot:
    slug: str
    title: str


@dataclass(frozen=True)
class ShownLetter:
    """A letter as its own page shows it, read as plain rows in one statement.

    The page is the one most read: loading a mapped Letter with its four related objects
    cost five times the statement itself. Attribute names are the Letter's, so the
    templates and the receivers of the page's signals read either.
    """

    id: int
    slug: str
    title: str
    author_id: int
    addressee_id: int | None
    addressee_name: str
    salutation: str
    body_html: str
    excerpt: str
    closing: str
    signature: str
    postscript: str
    postscript_html: str
    language: Language
    status: LetterStatus
    published_at: datetime | None
    edited_at: datetime | None
    withdrawn_at: datetime | None
    in_reply_to_id: int | None
    thread_root_id: int | None
    published_in_thread: int
    author: ShownPerson
    addressee: ShownPerson | None
    in_reply_to: ShownParent | None
    thread_root: ShownRoot | None

    @property
    def is_published(self) -> bool:
        return self.status == LetterStatus.PUBLISHED

    @property
    def addressee_display_name(self) -> str:
        return self.addressee.display_name if self.addressee else self.addressee_name

    @property
    def opens_a_correspondence(self) -> bool:
        return self.thread_root_id == self.id and self.status != LetterStatus.DRAFT


# Either form of a letter that the letter page and the receivers of its signals read.
PageLetter = Letter | ShownLetter

LETTER_COLUMNS = tuple(name for name in ShownLetter.__dataclass_fields__
                       if name not in ("published_in_thread", "author", "addressee",
                                       "in_reply_to", "thread_root"))  # fmt: skip
PERSON_COLUMNS = tuple(ShownPerson.__dataclass_fields__)


def shown_letters_statement() -> Select:
    """Letters with their author and addressee, the letter each answers, their correspondence's
    first letter and the number of published letters in it: one row each."""
    letters, users = Letter.__table__, User.__table__
    author, addressee = users.alias("author"), users.alias("addressee")
    parent, parent_author, root = (
        letters.alias("parent"),
        users.alias("parent_author"),
        letters.alias("root"),
    )
    return select(
        *(letters.c[name] for name in LETTER_COLUMNS),
        PUBLISHED_IN_THREAD_OF_ROW.label("published_in_thread"),
        *(author.c[name] for name in PERSON_COLUMNS),
        *(addressee.c[name] for name in PERSON_COLUMNS),
        parent.c.slug,
        parent.c.title,
        parent.c.status,
        parent_author.c.display_name,
        root.c.slug,
        root.c.title,
    ).select_from(
        letters.join(author, author.c.id == letters.c.author_id)
        .outerjoin(addressee, addressee.c.id == letters.c.addressee_id)
        .outerjoin(parent, parent.c.id == letters.c.in_reply_to_id)
        .outerjoin(parent_author, parent_author.c.id == parent.c.author_id)
        .outerjoin(root, root.c.id == letters.c.thread_root_id)
    )


def shown_letter_from(row: Sequence[Any]) -> ShownLetter:
    count = len(LETTER_COLUMNS)
    people = len(PERSON_COLUMNS)
    author_at, addressee_at, parent_at = count + 1, count + 1 + people, count + 1 + 2 * people
    parent_slug, parent_title, parent_status, parent_author, root_slug, root_title = row[parent_at:]
    return ShownLetter(
        *row[:count],
        published_in_thread=row[count] or 0,
        author=ShownPerson(*row[author_at:addressee_at]),
        addressee=ShownPerson(*row[addressee_at:parent_at]) if row[addressee_at] else None,
        in_reply_to=(
            ShownParent(parent_slug, parent_title, parent_status, ShownName(parent_author))
            if parent_slug
            else None
        ),  # fmt: skip
        thread_root=ShownRoot(root_slug, root_title) if root_slug else None,
    )


def shown_letter(slug: str) -> ShownLetter | None:
    """A letter, in any status, as its page shows it (one statement, no mapped objects)."""
    rows = read_rows(SHOWN_LETTER, {"slug": slug})
    return shown_letter_from(rows[0]) if rows else None


def shown_correspondence(root_id: int) -> list[ShownLetter]:
    """A correspondence's letters but its drafts, oldest first, as its page shows them."""
    return [shown_letter_from(row) for row in read_rows(SHOWN_CORRESPONDENCE, {"root_id": root_id})]


SHOWN_LETTER = prepared(shown_letters_statement().where(LETTER_ROWS.c.slug == bindparam("slug")))
SHOWN_CORRESPONDENCE = prepared(
    shown_letters_statement()
    .where(
        LETTER_ROWS.c.thread_root_id == bindparam("root_id"),
        LETTER_ROWS.c.status != LetterStatus.DRAFT,
    )
    .order_by(LETTER_ROWS.c.published_at, LETTER_ROWS.c.id)
)
