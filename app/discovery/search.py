"""Full-text search behind one function: SQLite FTS5 here, PostgreSQL text search there."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from markupsafe import Markup
from sqlalchemy import DDL, event, func, select, text
from sqlalchemy.orm import joinedload

from app.discovery.snippets import letter_snippet
from app.extensions import db
from app.letters.models import Letter, LetterStatus

MAX_QUERY_LENGTH = 500
MAX_TERMS = 16
WORD = re.compile(r"\w+", re.UNICODE)

# SQLite: an FTS5 table holding the searchable text of published letters (rowid = letter id).
CREATE_FTS = DDL(
    "CREATE VIRTUAL TABLE IF NOT EXISTS letter_search USING fts5("
    "title, body, postscript, tokenize = 'unicode61 remove_diacritics 2')"
)
DROP_FTS = DDL("DROP TABLE IF EXISTS letter_search")
# PostgreSQL: an expression index; German letters are stemmed as German, others as English.
PG_DOCUMENT = (
    "(coalesce(title, '') || ' ' || coalesce(body, '') || ' ' || coalesce(postscript, ''))"
)
PG_CONFIG = "(CASE language WHEN 'de' THEN 'german'::regconfig ELSE 'english'::regconfig END)"
CREATE_PG_INDEX = DDL(
    f"CREATE INDEX IF NOT EXISTS ix_letters_fulltext ON letters USING gin "
    f"(to_tsvector({PG_CONFIG}, {PG_DOCUMENT}))"
)
SEARCH_OBJECTS = {"letter_search", "ix_letters_fulltext"}


def install_search_ddl() -> None:
    """Create the search structures with the tables (create_all), as the migration does."""
    table = Letter.__table__
    event.listen(table, "after_create", CREATE_FTS.execute_if(dialect="sqlite"))
    event.listen(table, "before_drop", DROP_FTS.execute_if(dialect="sqlite"))
    event.listen(table, "after_create", CREATE_PG_INDEX.execute_if(dialect="postgresql"))


install_search_ddl()


def is_sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


def index_letter(letter: Letter) -> None:
    """Keep the SQLite index in step with a letter (PostgreSQL's index follows by itself)."""
    if not is_sqlite():
        return
    db.session.execute(text("DELETE FROM letter_search WHERE rowid = :id"), {"id": letter.id})
    if letter.status == LetterStatus.PUBLISHED:
        db.session.execute(
            text("INSERT INTO letter_search (rowid, title, body, postscript) "
                 "VALUES (:id, :title, :body, :postscript)"),
            {"id": letter.id, "title": letter.title, "body": letter.body,
             "postscript": letter.postscript},
        )  # fmt: skip


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
    total: int = 0
    hits: list[Hit] = field(default_factory=list)
    message: str = ""

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def search_terms(query: str) -> list[str]:
    """Words only, each once: quotes, stars, NEAR, OR and minus signs are plain text to us."""
    return list(dict.fromkeys(WORD.findall(query.lower())))[:MAX_TERMS]


def search_letters(query: str, page: int = 1, per_page: int = 10) -> SearchResults:
    """Published letters matching every word, best first, with highlighted snippets."""
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
    ranked, results.total = run(terms, results.page, per_page)
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


def fts5_expression(terms: list[str], operator: str = " ") -> str:
    """Each term quoted: FTS5 then reads no operators (NEAR, OR, *, -) in the user's text."""
    return operator.join('"' + term.replace('"', '""') + '"' for term in terms)


def sqlite_search(terms: list[str], page: int, per_page: int) -> tuple[list[int], int]:
    """Ids of one page of matches, best first, and the number of matches.

    FTS5's own snippet() reads every hit of every matching letter, which a letter of one
    word repeated thousands of times turns into seconds; snippets are made in Python instead.
    """
    expression = fts5_expression(terms)
    total = db.session.scalar(
        text("SELECT count(*) FROM letter_search WHERE letter_search MATCH :q"), {"q": expression}
    )
    rows = db.session.scalars(
        text(
            "SELECT rowid FROM letter_search WHERE letter_search MATCH :q "
            "ORDER BY bm25(letter_search, 8.0, 1.0, 1.0) LIMIT :limit OFFSET :offset"
        ),
        {"q": expression, "limit": per_page, "offset": (page - 1) * per_page},
    )
    return list(rows), total or 0


PG_VECTOR = f"to_tsvector({PG_CONFIG}, {PG_DOCUMENT})"
PG_QUERY = f"plainto_tsquery({PG_CONFIG}, :q)"
PG_MATCHES = text(f"{PG_VECTOR} @@ {PG_QUERY}")
PG_RANK = text(f"ts_rank({PG_VECTOR}, {PG_QUERY}) DESC")


def postgres_search(terms: list[str], page: int, per_page: int) -> tuple[list[int], int]:
    """The same query as the index expression, so that PostgreSQL uses the GIN index."""
    params = {"q": " ".join(terms)}
    matching = select(Letter.id).where(Letter.status == LetterStatus.PUBLISHED, PG_MATCHES)
    total = db.session.scalar(select(func.count()).select_from(matching.subquery()), params)
    rows = db.session.scalars(
        select(Letter.id)
        .where(Letter.status == LetterStatus.PUBLISHED, PG_MATCHES)
        .order_by(PG_RANK, Letter.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page),
        params,
    )
    return list(rows), total or 0


def similar_letter_ids(letter: Letter, limit: int = 10) -> list[int]:
    """Published letters of other correspondences sharing this one's most telling words."""
    words = sorted(
        {word for word in search_terms(f"{letter.title} {letter.excerpt}") if len(word) >= 5},
        key=lambda word: (-len(word), word),
    )[:8]
    if not words:
        return []
    if is_sqlite():
        rows = db.session.execute(
            text(
                "SELECT letter_search.rowid FROM letter_search "
                "JOIN letters ON letters.id = letter_search.rowid "
                "WHERE letter_search MATCH :q AND letters.thread_root_id != :root "
                "ORDER BY bm25(letter_search, 8.0, 1.0, 1.0) LIMIT :limit"
            ),
            {"q": fts5_expression(words, " OR "), "root": letter.thread_root_id, "limit": limit},
        )
        return [letter_id for (letter_id,) in rows]
    any_word = text(f"{PG_VECTOR} @@ to_tsquery({PG_CONFIG}, :any)")
    rows = db.session.execute(
        select(Letter.id)
        .where(
            Letter.status == LetterStatus.PUBLISHED,
            Letter.thread_root_id != letter.thread_root_id,
            any_word,
        )
        .order_by(text(f"ts_rank({PG_VECTOR}, to_tsquery({PG_CONFIG}, :any)) DESC"))
        .limit(limit),
        {"any": " | ".join(words)},
    )
    return [letter_id for (letter_id,) in rows]
