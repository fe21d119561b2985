"""The front page's correspondences: each once, under its latest published letter."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, and_, func, or_, select, union
from sqlalchemy.orm import aliased, joinedload, load_only

from app.accounts.models import User
from app.discovery.service import name_order
from app.extensions import db
from app.letters.models import Letter, LetterStatus
from app.letters.queries import thread_sizes, thread_title


@dataclass(frozen=True)
class Correspondence:
    """A correspondence as a list shows it: its latest published letter stands for it."""

    latest: Letter
    title: str | None  # None while its first letter is not published: nothing of it shows
    size: int  # published letters
    people: list[str]  # who wrote or was written to, in name order

    @property
    def is_one_letter(self) -> bool:
        """The latest letter is the first: the card is that letter's, with no thread heading."""
        return self.latest.id == self.latest.thread_root_id


# What a card shows of the latest letter: not its text, of which the excerpt stands in.
CARD_COLUMNS = (
    Letter.slug, Letter.title, Letter.language, Letter.excerpt, Letter.status,
    Letter.published_at, Letter.author_id, Letter.addressee_id, Letter.addressee_name,
    Letter.thread_root_id,
)  # fmt: skip


def latest_letters_of_correspondences() -> Select:
    """The latest published letter of every correspondence, newest first, ready to paginate.

    Published letters are read newest first along their index, keeping each one that no
    later letter of its correspondence follows (an index probe per letter): the first page
    reads a few dozen letters however many the site holds.
    """
    later = aliased(Letter, name="later")
    followed = (
        select(later.id)
        .where(
            later.thread_root_id == Letter.thread_root_id,
            later.status == LetterStatus.PUBLISHED,
            or_(
                later.published_at > Letter.published_at,
                and_(later.published_at == Letter.published_at, later.id > Letter.id),
            ),
        )
        .exists()
    )
    return (
        select(Letter)
        .where(Letter.status == LetterStatus.PUBLISHED, ~followed)
        .order_by(Letter.published_at.desc(), Letter.id.desc())
        .options(
            load_only(*CARD_COLUMNS),
            joinedload(Letter.author),
            joinedload(Letter.addressee),
            # Its status decides whether the title may show; its text is not needed.
            joinedload(Letter.thread_root).load_only(
                Letter.slug, Letter.title, Letter.status, Letter.language
            ),
        )
    )


def people_in(root_ids: set[int]) -> dict[int, list[str]]:
    """Who wrote or received the published letters of each correspondence, in one query."""
    if not root_ids:
        return {}
    published = (Letter.thread_root_id.in_(root_ids), Letter.status == LetterStatus.PUBLISHED)
    writers = (
        select(Letter.thread_root_id, User.id, User.display_name)
        .join(User, User.id == Letter.author_id)
        .where(*published)
    )
    addressees = (
        select(
            Letter.thread_root_id, User.id, func.coalesce(User.display_name, Letter.addressee_name)
        )
        .outerjoin(User, User.id == Letter.addressee_id)
        .where(*published)
    )
    people: dict[int, list[str]] = {}
    for root_id, _person, name in db.session.execute(union(writers, addressees)):
        if name:
            people.setdefault(root_id, []).append(name)
    return {root_id: sorted(names, key=name_order) for root_id, names in people.items()}


def correspondences_of(latest: Iterable[Letter]) -> list[Correspondence]:
    """Each latest letter with its correspondence's title, size and people (two queries)."""
    letters = list(latest)
    roots = {letter.thread_root_id for letter in letters}
    sizes, people = thread_sizes(roots), people_in(roots)
    return [
        Correspondence(
            latest=letter,
            title=thread_title(letter.thread_root),
            size=sizes.get(letter.thread_root_id, 0),
            people=people.get(letter.thread_root_id, []),
        )
        for letter in letters
    ]
