"""Search on PostgreSQL: its own stemming of the letters' text, and the people's names.

A letter matches when every word of the query is in its text (stemmed in the letter's
language) or in its author's or addressee's name. The names are read from the users table
at search time, so a colleague who renames themselves is found by the new name at once.
A first pass collects candidates through the GIN index and the (small) users table, so
the exact test and the ranking read only letters that may match.
"""

from __future__ import annotations

from sqlalchemy import text

from app.discovery.search_index import PG_CONFIG
from app.extensions import db

# A word nearly every letter has: the best of its newest BOUND letters are shown, and
# "more than BOUND letters found", so that a search costs the same on any size of site.
BOUND = 1000

PG_VECTOR = "letters.search_vector"
PG_NAMES = (
    "(coalesce(author.display_name, '') || ' ' || "
    "coalesce(addressee.display_name, letters.addressee_name, ''))"
)
PG_FOUND = f"({PG_VECTOR} || to_tsvector({PG_CONFIG}, {PG_NAMES}))"
PG_QUERY = f"plainto_tsquery({PG_CONFIG}, :q)"


def all_words(config: str) -> str:
    """A tsquery for every word of the query, stemmed by one configuration."""
    return f"plainto_tsquery('{config}', :q)"


def any_word(config: str, count: int) -> str:
    """A tsquery for any of the words :t0 … :t<count-1>, stemmed by one configuration."""
    return "(" + " || ".join(f"plainto_tsquery('{config}', :t{n})" for n in range(count)) + ")"


def in_either_language(document: str, count: int) -> str:
    return (
        f"(to_tsvector('german', {document}) @@ {any_word('german', count)} "
        f"OR to_tsvector('english', {document}) @@ {any_word('english', count)})"
    )


def newest(where: str) -> str:
    """The newest :bound letters of a condition: a word nearly every letter has costs no
    more than a rare one (PostgreSQL walks the primary key backwards, or the GIN index)."""
    return (
        f"(SELECT id FROM letters WHERE status = 'published' AND {where} "
        "ORDER BY id DESC LIMIT :bound)"
    )


def candidates(count: int) -> str:
    """Letters with every word in their text, or whose people have one of the words in their
    names (their text is then tested for the other words): the newest of each kind."""
    # Each text branch has the stored column on the left and a constant query on the right,
    # so PostgreSQL reads the GIN index; a query depending on the row would not.
    return f"""
        WITH people AS (
            SELECT id FROM users WHERE {in_either_language("display_name", count)}
        )
        SELECT id FROM {newest(f"language = 'de' AND {PG_VECTOR} @@ {all_words('german')}")} de
        UNION SELECT id FROM {newest(f"language <> 'de' AND {PG_VECTOR} @@ {all_words('english')}")} en
        UNION SELECT id FROM {newest("author_id IN (SELECT id FROM people)")} by_them
        UNION SELECT id FROM {newest("addressee_id IN (SELECT id FROM people)")} to_them
        UNION SELECT id FROM {newest(f"addressee_name <> '' AND {in_either_language('addressee_name', count)}")} outside
    """  # noqa: E501


def candidates_read(count: int) -> str:
    """The newest :bound candidates that match, with their text and names as one tsvector.

    Materialised, so that PostgreSQL joins the names only to the candidates.
    """
    return f"""
        WITH found AS MATERIALIZED (
            SELECT letters.id, {PG_FOUND} AS document, {PG_QUERY} AS query
            FROM letters
            JOIN users AS author ON author.id = letters.author_id
            LEFT JOIN users AS addressee ON addressee.id = letters.addressee_id
            WHERE letters.status = 'published' AND letters.id IN ({candidates(count)})
        ), matching AS MATERIALIZED (
            SELECT id, document, query FROM found WHERE document @@ query
            ORDER BY id DESC LIMIT :bound
        )
    """


def postgres_search(terms: list[str], page: int, per_page: int) -> tuple[list[int], int, bool]:
    """Ids of one page of matches, best first, the number of matches (at most :bound) and
    whether there may be more: published letters with every word in their text or names
    (stemmed in the letter's language), the best of the newest :bound."""
    params: dict[str, object] = {f"t{n}": term for n, term in enumerate(terms)}
    params |= {"q": " ".join(terms), "limit": per_page, "offset": (page - 1) * per_page,
               "bound": BOUND}  # fmt: skip
    found = candidates_read(len(terms))
    total = db.session.scalar(text(f"{found} SELECT count(*) FROM matching"), params) or 0
    rows = db.session.scalars(
        text(
            f"{found} SELECT id FROM matching "
            "ORDER BY ts_rank(document, query) DESC, id DESC LIMIT :limit OFFSET :offset"
        ),
        params,
    )
    return list(rows), total, total >= BOUND
