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


# Both languages' stems at once: split by language, a word that few German letters have
# made PostgreSQL walk the whole table for the newest German matches. A German letter found
# by its English stems only is dropped by the exact test after.
EITHER = f"({all_words('german')} || {all_words('english')})"
IN_TEXT = f"status = 'published' AND {PG_VECTOR} @@ {EITHER}"
# The newest 2 × :bound letters are looked at first for the newest :bound text matches,
# then four times as many, and so on. `id + 0` keeps PostgreSQL from walking the primary
# key backwards through every letter for a word it wrongly takes for a common one; with no
# plain index scan (reading each letter's stored vector for the test costs more than the
# planner thinks), a window's matches are the GIN index's matches among the window's ids.
NEWEST_IN_WINDOW = text(
    f"SELECT id FROM letters WHERE id > :low AND {IN_TEXT} ORDER BY id + 0 DESC LIMIT :bound"
)


NEWEST_ID_AND_PLANS = text(
    "SELECT max(id), set_config('plan_cache_mode', 'force_custom_plan', true), "
    "set_config('enable_indexscan', 'off', true) FROM letters"
)


def plan_for_these_words() -> None:
    """Plan the rest of this transaction's statements for their own words and bounds.

    The driver prepares a statement run five times, and PostgreSQL then may keep one plan
    for any words: for a common word, one that reads every letter (the similar words of a
    new letter took 230 ms instead of 6 from the eleventh save on).
    """
    db.session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


def newest_text_matches(params: dict[str, object]) -> list[int]:
    """The newest :bound published letters with every word in their text.

    A GIN index cannot give its matches newest first; looking at the newest letters in
    growing windows costs about as much for a word every letter has as for a rare one.
    """
    # As plan_for_these_words(), and with no plain index scans until the windows are read.
    newest_id = db.session.scalar(NEWEST_ID_AND_PLANS) or 0
    window = 2 * BOUND
    while True:
        low = max(newest_id - window, 0)
        found = list(db.session.scalars(NEWEST_IN_WINDOW, params | {"low": low}))
        if len(found) >= BOUND or low == 0:
            break
        window *= 4
    # Not in a `finally`: when a statement failed (the server went away), the transaction is
    # rolled back, which undoes SET LOCAL, and a statement here would replace the database
    # error, which the error pages answer with a 503, by one they answer with a 500.
    db.session.execute(text("SET LOCAL enable_indexscan TO DEFAULT"))
    return found


def newest_of_people() -> str:
    """The newest :bound published letters written by or to the people found: each one's
    newest along its indexes, then the newest of those (a name many colleagues share would
    otherwise walk every letter)."""
    theirs = (
        "(SELECT id, published_at FROM letters WHERE {column} = people.id "
        "AND status = 'published' ORDER BY published_at DESC, id DESC LIMIT :bound)"
    )
    return f"""(
        SELECT theirs.id FROM people CROSS JOIN LATERAL (
            {theirs.format(column="author_id")} UNION ALL {theirs.format(column="addressee_id")}
        ) theirs ORDER BY theirs.published_at DESC, theirs.id DESC LIMIT :bound
    )"""


def candidates(count: int) -> str:
    """Letters with every word in their text, or whose people have one of the words in their
    names (their text is then tested for the other words): the newest of each kind."""
    return f"""
        WITH people AS (
            SELECT id FROM users WHERE {in_either_language("display_name", count)}
        )
        SELECT unnest(CAST(:in_text AS integer[])) AS id
        UNION SELECT id FROM {newest_of_people()} by_or_to_them
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
    params["in_text"] = newest_text_matches(params)
    found = candidates_read(len(terms))
    # The page and the number of matches in one statement: the candidates are read once.
    rows = db.session.execute(
        text(
            f"{found} SELECT id, count(*) OVER () FROM matching "
            "ORDER BY ts_rank(document, query) DESC, id DESC LIMIT :limit OFFSET :offset"
        ),
        params,
    ).all()
    if rows:
        total = rows[0][1]
    else:  # a page past the last: the count alone, for the page to say how many there are
        total = db.session.scalar(text(f"{found} SELECT count(*) FROM matching"), params) or 0
    return [row[0] for row in rows], total, total >= BOUND
