"""The search structures: SQLite's FTS5 table of stems, kept in step; PostgreSQL's GIN index.

SQLite: one row per published letter (rowid = letter id) holding stems, not the letter's
words (see stems.py): title, body and P.S. stemmed in the letter's language, the names of
its author and addressee, and the other language's differing stems. PostgreSQL stems by
itself into a generated column, which follows the letters table with no help.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import DDL, Connection, event, or_, select, text
from sqlalchemy.orm import aliased

from app.accounts.models import User
from app.discovery.stems import name_stems, stemmed
from app.extensions import db
from app.letters.models import Letter, LetterStatus

FTS_COLUMNS = ("title", "body", "postscript", "names", "other")
CREATE_FTS_SQL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS letter_search USING fts5({', '.join(FTS_COLUMNS)}, "
    "tokenize = 'unicode61 remove_diacritics 2')"
)
CREATE_FTS = DDL(CREATE_FTS_SQL)
DROP_FTS = DDL("DROP TABLE IF EXISTS letter_search")
INSERT_ROW = text(
    f"INSERT INTO letter_search (rowid, {', '.join(FTS_COLUMNS)}) "
    f"VALUES (:id, {', '.join(':' + column for column in FTS_COLUMNS)})"
)
# PostgreSQL: a stored tsvector column, computed by the database itself whenever a letter's
# text changes (German letters stemmed as German, others as English), under a GIN index.
# Stored, so that ranking reads it instead of stemming every candidate letter anew.
PG_DOCUMENT = (
    "(coalesce(title, '') || ' ' || coalesce(body, '') || ' ' || coalesce(postscript, ''))"
)
PG_CONFIG = "(CASE language WHEN 'de' THEN 'german'::regconfig ELSE 'english'::regconfig END)"
PG_VECTOR_COLUMN = (
    "ALTER TABLE letters ADD COLUMN IF NOT EXISTS search_vector tsvector "
    f"GENERATED ALWAYS AS (to_tsvector({PG_CONFIG}, {PG_DOCUMENT})) STORED"
)
PG_VECTOR_INDEX = (
    "CREATE INDEX IF NOT EXISTS ix_letters_search_vector ON letters USING gin (search_vector)"
)
# The colleagues whose names have a searched word, by index: one colleague per 160 letters.
PG_NAME_INDEXES = tuple(
    f"CREATE INDEX IF NOT EXISTS ix_users_name_{config} ON users "
    f"USING gin (to_tsvector('{config}', display_name))"
    for config in ("german", "english")
)
SEARCH_OBJECTS = {"letter_search", "ix_letters_fulltext", "search_vector",
                  "ix_letters_search_vector", "ix_users_name_german",
                  "ix_users_name_english"}  # fmt: skip


def install_search_ddl() -> None:
    """Create the search structures with the tables (create_all), as the migrations do."""
    table = Letter.__table__
    event.listen(table, "after_create", CREATE_FTS.execute_if(dialect="sqlite"))
    event.listen(table, "before_drop", DROP_FTS.execute_if(dialect="sqlite"))
    for statement in (PG_VECTOR_COLUMN, PG_VECTOR_INDEX):
        event.listen(table, "after_create", DDL(statement).execute_if(dialect="postgresql"))
    for statement in PG_NAME_INDEXES:
        event.listen(User.__table__, "after_create",
                     DDL(statement).execute_if(dialect="postgresql"))  # fmt: skip


install_search_ddl()


def is_sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


def index_row(
    letter_id: int, language: str, texts: tuple[str, str, str], names: tuple[str, str]
) -> dict[str, Any]:
    """The FTS5 row of a letter: its texts as stems, and its people's names."""
    title, body, postscript = (stemmed(part or "", language) for part in texts)
    return {
        "id": letter_id,
        "title": title[0],
        "body": body[0],
        "postscript": postscript[0],
        "names": name_stems(*names),
        "other": " ".join(part[1] for part in (title, body, postscript) if part[1]),
    }


def index_letter(letter: Letter) -> None:
    """Keep the SQLite index in step with a letter (PostgreSQL's index follows by itself)."""
    if not is_sqlite():
        return
    db.session.execute(text("DELETE FROM letter_search WHERE rowid = :id"), {"id": letter.id})
    if letter.status != LetterStatus.PUBLISHED:
        return
    author = db.session.get(User, letter.author_id)
    addressee = db.session.get(User, letter.addressee_id) if letter.addressee_id else None
    names = (author.display_name if author else "",
             addressee.display_name if addressee else letter.addressee_name)  # fmt: skip
    texts = (letter.title, letter.body, letter.postscript)
    db.session.execute(INSERT_ROW, index_row(letter.id, letter.language, texts, names))


def published_letters_with_names(*where: Any) -> Any:
    """Published letters' id, language, texts and people's names, without loading letters."""
    author, addressee = aliased(User), aliased(User)
    return (
        select(
            Letter.id, Letter.language, Letter.title, Letter.body, Letter.postscript,
            author.display_name,
            db.func.coalesce(addressee.display_name, Letter.addressee_name),
        )
        .join(author, author.id == Letter.author_id)
        .outerjoin(addressee, addressee.id == Letter.addressee_id)
        .where(Letter.status == LetterStatus.PUBLISHED, *where)
        .order_by(Letter.id)
    )  # fmt: skip


def index_names_of(user: User) -> None:
    """After a colleague's name changed: their letters are found by the new name."""
    if not is_sqlite():
        return  # PostgreSQL reads the names from the users table at search time
    involved = or_(Letter.author_id == user.id, Letter.addressee_id == user.id)
    rows = db.session.execute(published_letters_with_names(involved)).all()
    if rows:
        db.session.execute(
            text("UPDATE letter_search SET names = :names WHERE rowid = :id"),
            [{"id": row[0], "names": name_stems(row[5], row[6])} for row in rows],
        )


def rebuild_search_index(connection: Connection) -> int:
    """Build the SQLite index anew from the published letters; returns how many it holds."""
    if connection.dialect.name != "sqlite":
        return 0
    connection.execute(DROP_FTS)
    connection.execute(CREATE_FTS)
    count = 0
    for rows in connection.execute(published_letters_with_names()).partitions(200):
        connection.execute(INSERT_ROW, [
            index_row(letter_id, language, (title, body, postscript), (author, addressee))
            for letter_id, language, title, body, postscript, author, addressee in rows
        ])  # fmt: skip
        count += len(rows)
    return count
