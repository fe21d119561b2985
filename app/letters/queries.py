"""Reading letters and correspondences: the queries behind the letter, thread and list pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import aliased, joinedload, with_expression

from app.accounts.models import User
from app.database import read_rows
from app.extensions import db
from app.letters.models import Language, Letter, LetterStatus, Revision


def with_people(query: Select) -> Select:
    """Load author, addressee, the parent (with its author) and the thread's root.

    Of the parent and the root only what a page shows is loaded, not their whole text.
    """
    return query.options(
        joinedload(Letter.author),
        joinedload(Letter.addressee),
        joinedload(Letter.in_reply_to)
        .load_only(Letter.slug, Letter.title, Letter.status, Letter.author_id)
        .joinedload(Letter.author),
        joinedload(Letter.thread_root).load_only(Letter.slug, Letter.title),
    )


# Statements run on every letter page, built once (bound parameters fill them in).
THREAD_MATE = aliased(Letter)
PUBLISHED_IN_THREAD = (
    select(func.count())
    .where(
        THREAD_MATE.thread_root_id == Letter.thread_root_id,
        THREAD_MATE.status == LetterStatus.PUBLISHED,
    )
    .correlate(Letter)
    .scalar_subquery()
)
# The letter with its people and, in the same statement, the size of its correspondence.
LETTER_BY_SLUG = with_people(select(Letter).where(Letter.slug == bindparam("slug"))).options(
    with_expression(Letter.published_in_thread, PUBLISHED_IN_THREAD)
)
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
REPLIES_TO = (
    select(Letter.slug, Letter.title, Letter.status, Letter.published_at, User.display_name)
    .join(User, User.id == Letter.author_id)
    .where(Letter.in_reply_to_id == bindparam("letter_id"), Letter.status != LetterStatus.DRAFT)
    .order_by(Letter.published_at, Letter.id)
)
THREAD_SIZE = select(func.count()).where(
    Letter.thread_root_id == bindparam("root_id"), Letter.status == LetterStatus.PUBLISHED
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


# Either form of a letter that the letter page and the receivers of its signals read.
PageLetter = Letter | ShownLetter

LETTER_COLUMNS = tuple(name for name in ShownLetter.__dataclass_fields__
                       if name not in ("published_in_thread", "author", "addressee",
                                       "in_reply_to", "thread_root"))  # fmt: skip
PERSON_COLUMNS = tuple(ShownPerson.__dataclass_fields__)


def shown_letter_statement() -> Select:
    """The letter, its author and addressee, the letter it answers, its correspondence's first
    letter and the number of published letters in it: one row."""
    letters, users = Letter.__table__, User.__table__
    author, addressee = users.alias("author"), users.alias("addressee")
    parent, parent_author, root = (
        letters.alias("parent"),
        users.alias("parent_author"),
        letters.alias("root"),
    )
    return (
        select(
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
        )
        .select_from(
            letters.join(author, author.c.id == letters.c.author_id)
            .outerjoin(addressee, addressee.c.id == letters.c.addressee_id)
            .outerjoin(parent, parent.c.id == letters.c.in_reply_to_id)
            .outerjoin(parent_author, parent_author.c.id == parent.c.author_id)
            .outerjoin(root, root.c.id == letters.c.thread_root_id)
        )
        .where(letters.c.slug == bindparam("slug"))
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
    row = read_rows(SHOWN_LETTER, {"slug": slug}).first()
    return shown_letter_from(row) if row else None


def letter_by_slug(slug: str) -> Letter | None:
    """A letter with the people it names, in any status."""
    return db.session.scalars(LETTER_BY_SLUG, {"slug": slug}).unique().first()


SHOWN_LETTER = shown_letter_statement()


def thread_size(root_id: int | None) -> int:
    """How many published letters a correspondence has."""
    return read_rows(THREAD_SIZE, {"root_id": root_id}).scalar() or 0


def thread_size_of(letter: PageLetter) -> int:
    """How many published letters the letter's correspondence has (read with it if it was)."""
    if letter.published_in_thread is not None:
        return letter.published_in_thread
    return thread_size(letter.thread_root_id)


def thread_title(root: Letter) -> str | None:
    """A correspondence's title for readers: its first letter's, while that one is published."""
    return root.title if root.is_published else None


def can_read(letter: PageLetter, viewer: User | None) -> bool:
    """Drafts and hidden letters are for their author (and admins) only."""
    if letter.status in (LetterStatus.PUBLISHED, LetterStatus.WITHDRAWN):
        return True
    if viewer is None:
        return False
    if letter.status == LetterStatus.HIDDEN and viewer.is_admin:
        return True
    return letter.author_id == viewer.id


@dataclass(frozen=True)
class Reply:
    """An answer as the answered letter lists it."""

    slug: str
    title: str
    status: LetterStatus
    published_at: datetime | None
    author: str

    @property
    def is_published(self) -> bool:
        return self.status == LetterStatus.PUBLISHED


def replies_to(letter: PageLetter) -> list[Reply]:
    """The letters that answer this one, oldest first (withdrawn ones as placeholders)."""
    return [Reply(*row) for row in read_rows(REPLIES_TO, {"letter_id": letter.id})]


def published_letters() -> Select:
    """Published letters, newest first, ready to paginate."""
    return with_people(
        select(Letter)
        .where(Letter.status == LetterStatus.PUBLISHED)
        .order_by(Letter.published_at.desc(), Letter.id.desc())
    )


def thread_sizes(root_ids: set[int]) -> dict[int, int]:
    """How many published letters each correspondence has, in one query."""
    if not root_ids:
        return {}
    rows = db.session.execute(
        select(Letter.thread_root_id, func.count())
        .where(Letter.thread_root_id.in_(root_ids), Letter.status == LetterStatus.PUBLISHED)
        .group_by(Letter.thread_root_id)
    )
    return {root_id: count for root_id, count in rows}


@dataclass
class ThreadEntry:
    letter: Letter
    depth: int


def thread_letters_in_reading_order(root: Letter) -> list[ThreadEntry]:
    """The whole correspondence, depth first, each reply after the letter it answers."""
    letters = list(
        db.session.scalars(
            with_people(
                select(Letter)
                .where(Letter.thread_root_id == root.id, Letter.status != LetterStatus.DRAFT)
                .order_by(Letter.published_at, Letter.id)
            )
        ).unique()
    )
    children: dict[int | None, list[Letter]] = {}
    for letter in letters:
        parent_id = None if letter.id == root.id else letter.in_reply_to_id
        children.setdefault(parent_id, []).append(letter)
    ordered: list[ThreadEntry] = []
    stack = [(letter, 0) for letter in reversed(children.get(None, []))]
    while stack:
        letter, depth = stack.pop()
        ordered.append(ThreadEntry(letter, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(letter.id, [])))
    return ordered


def revisions_of(letter: Letter) -> list[Revision]:
    """Earlier texts of a letter, newest first."""
    # order_by(None) drops the relationship's own order (oldest first), which would come first.
    newest_first = letter.revisions.select().order_by(None).order_by(Revision.id.desc())
    return list(db.session.scalars(newest_first))


def letters_written_by(user: User) -> Select:
    """A colleague's published letters, newest first."""
    return published_letters().where(Letter.author_id == user.id)


def letters_received_by(user: User) -> Select:
    """Published letters addressed to a colleague, newest first."""
    return published_letters().where(Letter.addressee_id == user.id)


def unpublished_letters_of(user: User) -> list[Letter]:
    """An author's drafts and withdrawn letters, for their own page (one query)."""
    query = with_people(
        select(Letter)
        .where(
            Letter.author_id == user.id,
            Letter.status.in_([LetterStatus.DRAFT, LetterStatus.WITHDRAWN]),
        )
        .order_by(Letter.created_at.desc())
    )
    return list(db.session.scalars(query).unique())
