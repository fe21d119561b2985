"""Full-text search behind one function: SQLite FTS5 here, PostgreSQL text search there."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from markupsafe import Markup
from sqlalchemy import select, text
from sqlalchemy.orm import joinedload

from app.discovery.search_index import is_sqlite
from app.discovery.search_postgres import (
    BOUND,
    PG_VECTOR,
    plan_for_these_words,
    postgres_search,
)
from app.discovery.snippets import letter_snippet
from app.discovery.stems import word_stems
from app.extensions import db
from app.letters.models import Letter, LetterStatus

MAX_QUERY_LENGTH = 500
MAX_TERMS = 16
SIMILAR_BOUND = 500  # "more letters": candidates among the newest letters with the words
WORD = re.compile(r"\w+", re.UNICODE)
# bm25 weights of the index's columns: title, body, postscript, names, other-language stems.
RANKING = "bm25(letter_search, 8.0, 1.0, 1.0, 4.0, 0.5)"
# The columns of the letter's own words ("more letters" counts the same people elsewhere).
TEXT_COLUMNS = "{title body postscript other}"


@dataclass
class Hit:
    letter: Letter
    snippet: Markup


@dataclass
class SearchResults:
    query: str
    terms: list[str]
    page: int
    per_page: int
    total: int = 0  # at most BOUND
    more: bool = False  # more letters match: the best of the newest BOUND are shown
    hits: list[Hit] = field(default_factory=list)
    message: str = ""

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def search_terms(query: str) -> list[str]:
    """Words only, each once: quotes, stars, NEAR, OR and minus signs are plain text to us."""
    return list(dict.fromkeys(WORD.findall(query.lower())))[:MAX_TERMS]


def search_letters(query: str, page: int = 1, per_page: int = 10) -> SearchResults:
    """Published letters with every word in their text or their people's names, best first,
    with highlighted snippets."""
    query = query.strip()
    results = SearchResults(query, search_terms(query[:MAX_QUERY_LENGTH]), max(page, 1), per_page)
    if len(query) > MAX_QUERY_LENGTH:
        results.message = "too_long"
        return results
    if not results.terms:
        results.message = "empty" if not query else "no_words"
        return results
    run = sqlite_search if is_sqlite() else postgres_search
    terms = results.terms
    ranked, results.total, results.more = run(terms, results.page, per_page)
    letters = {
        letter.id: letter
        for letter in db.session.scalars(
            select(Letter)
            .where(Letter.id.in_(ranked))
            .options(joinedload(Letter.author), joinedload(Letter.addressee))
        ).unique()
    }
    results.hits = [
        Hit(letters[i], letter_snippet(letters[i].body_html, letters[i].postscript_html, terms))
        for i in ranked
        if i in letters
    ]
    return results


def fts5_expression(terms: list[str], operator: str = " AND ") -> str:
    """Each term by its stems, quoted: FTS5 then reads no operators (NEAR, OR, *, -) in them."""
    return operator.join(
        "(" + " OR ".join('"' + stem.replace('"', '""') + '"' for stem in word_stems(term)) + ")"
        for term in terms
    )


def newest_matches_floor(expression: str, bound: int) -> int:
    """The rowid below the newest `bound` matches (0 when there are no more than that).

    FTS5 walks a word's letters in rowid order and stops here, where ranking every match
    of a word that nearly every letter has would read them all.
    """
    floor = db.session.scalar(
        text(
            "SELECT rowid FROM letter_search WHERE letter_search MATCH :q "
            "ORDER BY rowid DESC LIMIT 1 OFFSET :bound"
        ),
        {"q": expression, "bound": bound},
    )
    return floor or 0


def sqlite_search(terms: list[str], page: int, per_page: int) -> tuple[list[int], int, bool]:
    """Ids of one page of matches, best first, the number of matches (at most BOUND) and
    whether more letters match (then the best of the newest BOUND are shown).

    FTS5's own snippet() reads every hit of every matching letter, which a letter of one
    word repeated thousands of times turns into seconds; snippets are made in Python instead.
    """
    expression = fts5_expression(terms)
    floor = newest_matches_floor(expression, BOUND)
    params = {"q": expression, "floor": floor}
    total = db.session.scalar(
        text("SELECT count(*) FROM letter_search WHERE letter_search MATCH :q AND rowid > :floor"),
        params,
    )
    rows = db.session.scalars(
        text(
            "SELECT rowid FROM letter_search WHERE letter_search MATCH :q AND rowid > :floor "
            f"ORDER BY {RANKING}, rowid DESC LIMIT :limit OFFSET :offset"
        ),
        params | {"limit": per_page, "offset": (page - 1) * per_page},
    )
    return list(rows), total or 0, floor > 0


def telling_words(letter: Letter) -> list[str]:
    """Up to eight of the letter's longer words: what similar letters would share."""
    return sorted(
        {word for word in search_terms(f"{letter.title} {letter.excerpt}") if len(word) >= 5},
        key=lambda word: (-len(word), word),
    )[:8]


def similar_letter_ids(letter: Letter, limit: int = 10) -> list[int]:
    """Published letters of other correspondences sharing this one's most telling words,
    ranked among the newest SIMILAR_BOUND letters that have any of them."""
    words = telling_words(letter)
    if not words:
        return []
    if is_sqlite():
        in_text = f"{TEXT_COLUMNS} : ({fts5_expression(words, ' OR ')})"
        floor = newest_matches_floor(in_text, SIMILAR_BOUND)
        rows = db.session.execute(
            text(
                "SELECT letter_search.rowid FROM letter_search "
                "JOIN letters ON letters.id = letter_search.rowid "
                "WHERE letter_search MATCH :q AND letter_search.rowid > :floor "
                f"AND letters.thread_root_id != :root ORDER BY {RANKING} LIMIT :limit"
            ),
            {"q": in_text, "floor": floor, "root": letter.thread_root_id, "limit": limit},
        )
        return [letter_id for (letter_id,) in rows]
    plan_for_these_words()
    # Stemmed as this letter's language: a constant query, which the GIN index can answer.
    config = "german" if letter.language == "de" else "english"
    any_word = text(f"{PG_VECTOR} @@ to_tsquery('{config}', :any)")
    newest = select(Letter.id).where(any_word).order_by(Letter.id.desc()).limit(SIMILAR_BOUND)
    rows = db.session.execute(
        select(Letter.id)
        .where(
            Letter.id.in_(newest),
            Letter.status == LetterStatus.PUBLISHED,
            Letter.thread_root_id != letter.thread_root_id,
        )
        .order_by(text(f"ts_rank({PG_VECTOR}, to_tsquery('{config}', :any)) DESC"))
        .limit(limit),
        {"any": " | ".join(words)},
    )
    return [letter_id for (letter_id,) in rows]
