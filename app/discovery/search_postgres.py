"""Search on PostgreSQL: its own stemming of the letters' text, and the people's names.

A letter matches when every word of the query is in its text (stemmed in the letter's
language) or in its author's or addressee's name. The names are read from the users table
at search time, so a colleague who renames themselves is found by the new name at once.
A first pass collects candidates through the GIN index and the (small) users table, so
the exact test and the ranking read only letters that may match.
"""

from __future__ import annotations

from sqlalchemy import text

from app.discovery.search_index import PG_CONFIG, PG_DOCUMENT
from app.extensions import db

PG_VECTOR = f"to_tsvector({PG_CONFIG}, {PG_DOCUMENT})"
PG_NAMES = (
    "(coalesce(author.display_name, '') || ' ' || "
    "coalesce(addressee.display_name, letters.addressee_name, ''))"
)
PG_FOUND = f"({PG_VECTOR} || to_tsvector({PG_CONFIG}, {PG_NAMES}))"
PG_QUERY = f"plainto_tsquery({PG_CONFIG}, :q)"


def any_word(config: str, count: int) -> str:
    """A tsquery for any of the words :t0 … :t<count-1>, stemmed by one configuration."""
    return "(" + " || ".join(f"plainto_tsquery('{config}', :t{n})" for n in range(count)) + ")"


def in_either_language(document: str, count: int) -> str:
    return (
        f"(to_tsvector('german', {document}) @@ {any_word('german', count)} "
        f"OR to_tsvector('english', {document}) @@ {any_word('english', count)})"
    )


def candidates(count: int) -> str:
    """Letters that have one of the words in their text or their people's names."""
    # Each text branch has the index's expression on the left and a constant query on the
    # right, so PostgreSQL reads the GIN index; a query depending on the row would not.
    return f"""
        WITH people AS (
            SELECT id FROM users WHERE {in_either_language("display_name", count)}
        )
        SELECT id FROM letters WHERE language = 'de' AND {PG_VECTOR} @@ {any_word("german", count)}
        UNION SELECT id FROM letters
            WHERE language <> 'de' AND {PG_VECTOR} @@ {any_word("english", count)}
        UNION SELECT id FROM letters WHERE author_id IN (SELECT id FROM people)
        UNION SELECT id FROM letters WHERE addressee_id IN (SELECT id FROM people)
        UNION SELECT id FROM letters
            WHERE addressee_name <> '' AND {in_either_language("addressee_name", count)}
    """


def candidates_read(count: int) -> str:
    """The candidates with their text and names as one tsvector, and the query for each.

    Materialised, so that PostgreSQL stems only the candidates' text, not every letter's.
    """
    return f"""
        WITH found AS MATERIALIZED (
            SELECT letters.id, {PG_FOUND} AS document, {PG_QUERY} AS query
            FROM letters
            JOIN users AS author ON author.id = letters.author_id
            LEFT JOIN users AS addressee ON addressee.id = letters.addressee_id
            WHERE letters.status = 'published' AND letters.id IN ({candidates(count)})
        )
    """


def postgres_search(terms: list[str], page: int, per_page: int) -> tuple[list[int], int]:
    """Ids of one page of matches, best first, and the number of matches: published letters
    with every word in their text or names (stemmed in the letter's language)."""
    params: dict[str, object] = {f"t{n}": term for n, term in enumerate(terms)}
    params |= {"q": " ".join(terms), "limit": per_page, "offset": (page - 1) * per_page}
    found = candidates_read(len(terms))
    total = db.session.scalar(
        text(f"{found} SELECT count(*) FROM found WHERE document @@ query"), params
    )
    rows = db.session.scalars(
        text(
            f"{found} SELECT id FROM found WHERE document @@ query "
            "ORDER BY ts_rank(document, query) DESC, id DESC LIMIT :limit OFFSET :offset"
        ),
        params,
    )
    return list(rows), total or 0
