"""Queries behind the tag pages, the indexes of tags and colleagues, feeds and sitemap."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from sqlalchemy import Select, func, select

from app.accounts.models import User
from app.extensions import db
from app.letters.models import Letter, LetterStatus
from app.letters.queries import published_letters, with_people
from app.links.models import LetterTag, Tag

FEED_SIZE = 30


def letters_tagged(tag: Tag) -> Select:
    """Published letters with this tag, newest first, in the order of the tag's index."""
    return with_people(
        select(Letter)
        .join(LetterTag, LetterTag.letter_id == Letter.id)
        .where(LetterTag.tag_id == tag.id, Letter.status == LetterStatus.PUBLISHED)
        .order_by(LetterTag.published_at.desc(), LetterTag.letter_id.desc())
    )


def letters_titled_like(text: str, limit: int = 8) -> list[Letter]:
    """Published letters whose title contains every typed word, newest first."""
    words = [word for word in text.lower().split() if word][:5]
    if not words:
        return []
    query = published_letters()
    for word in words:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(func.lower(Letter.title).like(f"%{escaped}%", escape="\\"))
    return latest(query, limit)


def latest(query: Select, limit: int = FEED_SIZE) -> list[Letter]:
    return list(db.session.scalars(query.limit(limit)).unique())


def thread_feed_letters(root: Letter) -> list[Letter]:
    """The published letters of a correspondence, newest first."""
    return latest(published_letters().where(Letter.thread_root_id == root.id))


def sitemap_entries() -> dict[str, list]:
    """Everything public: letters, threads (their roots), authors and tags."""
    letters = db.session.execute(
        select(Letter.slug, Letter.published_at, Letter.edited_at, Letter.thread_root_id,
               Letter.id).where(Letter.status == LetterStatus.PUBLISHED)
    ).all()  # fmt: skip
    roots = {root_id for _, _, _, root_id, _ in letters}
    authors = db.session.scalars(
        select(User.handle).where(
            User.id.in_(select(Letter.author_id).where(Letter.status == LetterStatus.PUBLISHED)),
            User.deleted_at.is_(None),
        )
    ).all()
    tags = db.session.scalars(
        select(Tag.slug).where(
            Tag.id.in_(
                select(LetterTag.tag_id)
                .join(Letter, Letter.id == LetterTag.letter_id)
                .where(Letter.status == LetterStatus.PUBLISHED)
            )
        )
    ).all()
    return {
        "letters": [(slug, edited or published) for slug, published, edited, _, _ in letters],
        "threads": [slug for slug, _, _, _, letter_id in letters if letter_id in roots],
        "authors": list(authors),
        "tags": list(tags),
    }


def name_order(name: str) -> str:
    """A sort key that files "Ümit" under U and "anna" beside "Anna", on every database."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@dataclass(frozen=True)
class TagCount:
    """A public tag and how many published letters carry it."""

    name: str
    slug: str
    letters: int


def public_tags() -> list[TagCount]:
    """Every tag a published letter carries, by name, in one query."""
    rows = db.session.execute(
        select(Tag.name, Tag.slug, func.count())
        .join(LetterTag, LetterTag.tag_id == Tag.id)
        .join(Letter, Letter.id == LetterTag.letter_id)
        .where(Letter.status == LetterStatus.PUBLISHED)  # a tag of drafts only stays private
        .group_by(Tag.id, Tag.name, Tag.slug)
    )
    return sorted((TagCount(*row) for row in rows), key=lambda tag: name_order(tag.name))


@dataclass(frozen=True)
class Colleague:
    """A colleague and how many published letters they wrote."""

    user: User
    letters: int


def colleagues() -> list[Colleague]:
    """Every colleague, by name, with their published letters counted, in one query."""
    written = (
        select(Letter.author_id, func.count().label("letters"))
        .where(Letter.status == LetterStatus.PUBLISHED)
        .group_by(Letter.author_id)
        .subquery()
    )
    rows = db.session.execute(
        select(User, func.coalesce(written.c.letters, 0))
        .outerjoin(written, written.c.author_id == User.id)
        .where(User.deleted_at.is_(None))
    )
    found = [Colleague(user, letters) for user, letters in rows]
    found.sort(key=lambda colleague: (name_order(colleague.user.display_name), colleague.user.id))
    return found
