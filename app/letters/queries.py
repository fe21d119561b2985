"""Reading letters and correspondences: the queries behind the letter, thread and list pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import joinedload, with_expression

from app.accounts.models import User
from app.extensions import db
from app.letters.models import Letter, LetterStatus, Revision
from app.letters.shown import PUBLISHED_IN_THREAD_OF_ROW, PageLetter
from app.reads import prepared, read_rows


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
# The letter with its people and, in the same statement, the size of its correspondence.
LETTER_BY_SLUG = with_people(select(Letter).where(Letter.slug == bindparam("slug"))).options(
    with_expression(Letter.published_in_thread, PUBLISHED_IN_THREAD_OF_ROW)
)
REPLIES_TO = prepared(
    select(Letter.slug, Letter.title, Letter.status, Letter.published_at, User.display_name)
    .join(User, User.id == Letter.author_id)
    .where(Letter.in_reply_to_id == bindparam("letter_id"), Letter.status != LetterStatus.DRAFT)
    .order_by(Letter.published_at, Letter.id)
)
THREAD_SIZE = prepared(
    select(func.count()).where(
        Letter.thread_root_id == bindparam("root_id"), Letter.status == LetterStatus.PUBLISHED
    )
)


def letter_by_slug(slug: str) -> Letter | None:
    """A letter with the people it names, in any status."""
    return db.session.scalars(LETTER_BY_SLUG, {"slug": slug}).unique().first()


def thread_size(root_id: int | None) -> int:
    """How many published letters a correspondence has."""
    return read_rows(THREAD_SIZE, {"root_id": root_id})[0][0]


def thread_size_of(letter: PageLetter) -> int:
    """How many published letters the letter's correspondence has (read with it if it was)."""
    if letter.published_in_thread is not None:
        return letter.published_in_thread
    return thread_size(letter.thread_root_id)


def thread_title(root: PageLetter) -> str | None:
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
    letter: PageLetter
    depth: int


def thread_letters_in_reading_order(root: Letter) -> list[ThreadEntry]:
    """The whole correspondence as mapped letters, depth first (the API and the bench's seed)."""
    letters = db.session.scalars(
        with_people(
            select(Letter)
            .where(Letter.thread_root_id == root.id, Letter.status != LetterStatus.DRAFT)
            .order_by(Letter.published_at, Letter.id)
        )
    ).unique()
    return in_reading_order(list(letters), root.id)


def in_reading_order(letters: Sequence[PageLetter], root_id: int) -> list[ThreadEntry]:
    """A correspondence's letters (oldest first), depth first, each reply after the letter it
    answers."""
    children: dict[int | None, list[PageLetter]] = {}
    for letter in letters:
        parent_id = None if letter.id == root_id else letter.in_reply_to_id
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
