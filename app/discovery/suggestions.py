""" "More letters": up to three other letters by shared tags, the same people and similar words.

Working them out takes a few queries over many letters, so it happens when a letter is
published or edited (for that letter) and in the sender (for the letters it may now be
suggested under); a letter page reads the stored result with one query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, bindparam, delete, func, insert, literal, select, union_all

from app.discovery.models import LetterSuggestion, NeighbourRefresh
from app.discovery.search import similar_letter_ids
from app.extensions import db
from app.letters.models import Letter, LetterStatus
from app.letters.shown import PageLetter
from app.links.models import LetterTag
from app.page_version import pages_changed
from app.reads import prepared, read_rows

SHOWN = 3
KEPT = 6  # a few spare, for when a suggested letter is withdrawn or hidden
NEIGHBOURS = 10
RECENT = 500  # candidates by tag: the newest letters of each tag
MAX_TAGS = 10


@dataclass(frozen=True)
class Suggestion:
    slug: str
    title: str
    published_at: datetime


def candidate_scores(letter: Letter) -> dict[int, float]:
    """Published letters of other correspondences, scored: tags 3, same people 2, words ≤ 2."""
    scores: dict[int, float] = {}
    for letter_id, score in tag_and_people_scores(letter):
        scores[letter_id] = scores.get(letter_id, 0.0) + score
    for rank, letter_id in enumerate(similar_letter_ids(letter, limit=10)):
        scores[letter_id] = scores.get(letter_id, 0.0) + 2.0 / (rank + 1)
    scores.pop(letter.id, None)
    return scores


def elsewhere(letter: Letter) -> ColumnElement[bool]:
    """Published letters outside this letter's correspondence."""
    return (
        (Letter.status == LetterStatus.PUBLISHED)
        & (Letter.thread_root_id != letter.thread_root_id)
        & (Letter.id != letter.id)
    )


def recent_with_my_tags(letter: Letter) -> Any:
    """The newest letters of each of this letter's tags, read along the tag's index."""
    mine = select(LetterTag.tag_id).where(LetterTag.letter_id == letter.id).limit(MAX_TAGS)
    per_tag = [
        select(LetterTag.letter_id)
        .where(LetterTag.tag_id == tag_id, LetterTag.published_at.is_not(None))
        .order_by(LetterTag.published_at.desc(), LetterTag.letter_id.desc())
        .limit(RECENT)
        .subquery()
        for tag_id in db.session.scalars(mine)
    ]
    if not per_tag:
        return None
    return union_all(*(select(tagged.c.letter_id) for tagged in per_tag)).subquery()


def tag_and_people_scores(letter: Letter) -> list[tuple[int, float]]:
    """Scores among the newest letters of the same tags and of the same two people only:
    the candidates stay as many on a site of 100,000 letters as on one of 2,000."""
    scored = []
    if (tagged := recent_with_my_tags(letter)) is not None:
        by_tags = (
            select(tagged.c.letter_id, (func.count() * 3.0).label("score"))
            .join(Letter, Letter.id == tagged.c.letter_id)
            .where(elsewhere(letter))
            .group_by(tagged.c.letter_id)
            .order_by(func.count().desc(), tagged.c.letter_id.desc())
            .limit(30)
        )
        scored += list(db.session.execute(by_tags))
    people = [person for person in (letter.author_id, letter.addressee_id) if person]
    between_them = (
        select(Letter.id, literal(2.0))
        .where(elsewhere(letter), Letter.author_id.in_(people), Letter.addressee_id.in_(people))
        .order_by(Letter.published_at.desc())
        .limit(20)
    )
    scored += list(db.session.execute(between_them))
    return [(letter_id, float(score)) for letter_id, score in scored]


def best_candidates(letter: Letter, count: int) -> list[int]:
    scores = candidate_scores(letter)
    published = set(
        db.session.scalars(select(Letter.id).where(Letter.id.in_(scores), elsewhere(letter)))
    )
    ranked = sorted(published, key=lambda letter_id: (-scores[letter_id], -letter_id))
    return ranked[:count]


def refresh_suggestions(letter: Letter) -> list[int]:
    """Work out and store the letters to show under this one; returns its best candidates."""
    ranked = best_candidates(letter, max(KEPT, NEIGHBOURS))
    store_suggestions(letter, ranked)
    return ranked


def store_suggestions(letter: Letter, ranked: list[int]) -> None:
    """Keep the best of `ranked` as the letters shown under this one (none unless published)."""
    db.session.execute(delete(LetterSuggestion).where(LetterSuggestion.letter_id == letter.id))
    if letter.status == LetterStatus.PUBLISHED and ranked:
        db.session.execute(
            insert(LetterSuggestion),
            [{"letter_id": letter.id, "suggested_id": other, "position": position}
             for position, other in enumerate(ranked[:KEPT])],
        )  # fmt: skip


@dataclass(frozen=True)
class NeighbourPlan:
    """The suggestions a queued letter changes: its own and those of the letters it resembles."""

    letter_id: int
    ranked: dict[int, list[int]]


def queue_neighbour_refresh(letter: Letter, new: bool = False) -> None:
    """Leave the letters this one resembles for the sender: no reader waits for them.

    A new letter (new=True) cannot be queued already: no need to look.
    """
    if new or db.session.get(NeighbourRefresh, letter.id) is None:
        db.session.add(NeighbourRefresh(letter_id=letter.id))


def next_queued_refresh() -> NeighbourRefresh | None:
    """The letter that waits longest for its neighbours, locked so a second sender skips it."""
    return db.session.scalars(
        select(NeighbourRefresh)
        .order_by(NeighbourRefresh.queued_at, NeighbourRefresh.letter_id)
        .limit(1)
        .with_for_update(skip_locked=True)
    ).first()


def plan_next_neighbours() -> NeighbourPlan | None:
    """Work out what the next queued letter changes, only reading; None when none waits.

    Ranking a letter and its ten neighbours takes a dozen searches: the sender does it in a
    transaction that only reads, so on SQLite colleagues saving letters meanwhile do not wait
    for the write lock (a busy machine held it for seconds, and a save answered 503).
    """
    queued = next_queued_refresh()
    if queued is None:
        return None
    letter = db.session.get(Letter, queued.letter_id)
    ranked: dict[int, list[int]] = {}
    if letter is not None and letter.status == LetterStatus.PUBLISHED:
        ranked[letter.id] = best_candidates(letter, max(KEPT, NEIGHBOURS))
        for other_id in ranked[letter.id][:NEIGHBOURS]:
            other = db.session.get(Letter, other_id)
            if other is not None:
                ranked[other.id] = best_candidates(other, max(KEPT, NEIGHBOURS))
    return NeighbourPlan(queued.letter_id, ranked)


def store_neighbours(plan: NeighbourPlan) -> bool:
    """Store the letter's list and its neighbours' and take the letter off the queue; False
    if another sender did meanwhile.

    A letter edited between the plan and now may get a list ranked on its earlier text,
    until it is edited again or the next letter near it is published.
    """
    queued = db.session.scalars(
        select(NeighbourRefresh)
        .where(NeighbourRefresh.letter_id == plan.letter_id)
        .with_for_update(skip_locked=True)
    ).first()
    if queued is None:
        return False
    for letter_id, ranked in plan.ranked.items():
        letter = db.session.get(Letter, letter_id)
        if letter is not None:
            store_suggestions(letter, ranked)
    if plan.ranked:
        pages_changed()  # their pages' "more letters"
    db.session.delete(queued)
    return True


SUGGESTED = prepared(
    select(Letter.slug, Letter.title, Letter.published_at)
    .join(LetterSuggestion, LetterSuggestion.suggested_id == Letter.id)
    .where(
        LetterSuggestion.letter_id == bindparam("letter_id"),
        Letter.status == LetterStatus.PUBLISHED,
    )
    .order_by(LetterSuggestion.position)
    .limit(SHOWN)
)


def more_letters(letter: PageLetter) -> list[Suggestion]:
    """The stored suggestions that are still published, best first (one query)."""
    rows = read_rows(SUGGESTED, {"letter_id": letter.id})
    return [Suggestion(slug, title, published_at) for slug, title, published_at in rows]
