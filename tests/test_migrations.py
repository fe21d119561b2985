"""The migrations build exactly the schema the models describe, and can be undone."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, stamp, upgrade
from sqlalchemy import Engine, MetaData, inspect, text

from app.discovery.search_index import SEARCH_OBJECTS
from app.extensions import db

BEFORE_STEMS = "0007neighbours"  # the SQLite index held the letters' words, not stems
WORDS = ("transformation", "transformationen", "svenja")


def drop_every_table(engine: Engine) -> None:
    """An empty database: the tables create_all made, alembic_version, and any leftovers."""
    if engine.dialect.name == "sqlite":
        # Virtual tables (full-text search) first: their shadow tables go with them.
        with engine.begin() as connection:
            virtual = connection.scalars(
                text("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'")
            ).all()
            for name in virtual:
                connection.execute(text(f'DROP TABLE IF EXISTS "{name}"'))
    leftovers = MetaData()
    leftovers.reflect(engine)
    leftovers.drop_all(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def table_names(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


@contextmanager
def logging_left_alone() -> Iterator[None]:
    """Alembic's env.py reconfigures logging (and disables existing loggers); undo that."""
    manager = logging.root.manager
    loggers = [logging.root] + [
        logger for logger in manager.loggerDict.values() if isinstance(logger, logging.Logger)
    ]
    saved = [
        (logger, logger.level, logger.disabled, list(logger.handlers), logger.propagate)
        for logger in loggers
    ]
    try:
        yield
    finally:
        for logger, level, disabled, handlers, propagate in saved:
            logger.setLevel(level)
            logger.disabled = disabled
            logger.handlers[:] = handlers
            logger.propagate = propagate


def outside_the_models(name: str | None) -> bool:
    """Search structures are hand-written in their migration (as migrations/env.py says)."""
    return bool(name) and (name in SEARCH_OBJECTS or name.startswith("letter_search_"))


def schema_differences(engine: Engine) -> list[Any]:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "compare_server_default": False,
                "include_object": lambda _obj, name, *_rest: not outside_the_models(name),
            },
        )
        return compare_metadata(context, db.metadata)


def search_structures(engine: Engine) -> set[str]:
    """The hand-written search table (SQLite) or index (PostgreSQL) that exist."""
    found = table_names(engine)
    if "letters" in found:
        found |= {index["name"] for index in inspect(engine).get_indexes("letters")}
    return found & SEARCH_OBJECTS


def test_upgrade_on_an_empty_database_builds_the_models_schema(app):
    engine = db.engine
    drop_every_table(engine)
    assert table_names(engine) == set()
    try:
        with logging_left_alone():
            upgrade()
        assert table_names(engine) >= set(db.metadata.tables)
        assert schema_differences(engine) == []
        assert search_structures(engine), "the search migration should build its structures"
    finally:
        drop_every_table(engine)


def test_downgrade_to_base_removes_every_table(app):
    engine = db.engine
    drop_every_table(engine)
    try:
        with logging_left_alone():
            upgrade()
            downgrade(revision="base")
        assert table_names(engine) - {"alembic_version"} == set()
        assert search_structures(engine) == set()
    finally:
        drop_every_table(engine)


def test_upgrade_rebuilds_an_old_style_search_index(backend, client, make_user, make_letter):
    if backend != "sqlite":
        pytest.skip("PostgreSQL's search index is unchanged")
    author = make_user("Svenja Hartmann")
    make_letter(author, None, title="Wandel", language="de", body="Die Transformation.")
    with logging_left_alone():
        stamp()
        downgrade(revision=BEFORE_STEMS)  # the index as it was: the letters' own words
    db.session.remove()
    # Asked directly: the models of today read columns that the old schema does not have yet.
    found = "SELECT count(*) FROM letter_search WHERE letter_search MATCH '{}'"
    with db.engine.connect() as connection:
        words = {word: connection.exec_driver_sql(found.format(word)).scalar() for word in WORDS}
    assert words == {"transformation": 1, "transformationen": 0, "svenja": 0}
    search = "/search?q=Transformationen+Svenja"
    with logging_left_alone():
        upgrade()
    db.session.remove()
    assert "1 letter found." in client.get(search).get_data(as_text=True)


def test_upgrade_to_the_scale_indexes_keeps_tag_pages_and_search(client, make_user):
    """Letters written before 0012scale: their tags get the letter's date, and PostgreSQL's
    stored search column is filled for them as it is added."""
    from sqlalchemy import select

    from app.letters.models import Language
    from app.letters.service import LetterDraft, save_letter
    from app.links.models import LetterTag

    author = make_user("Svenja Hartmann")
    draft = LetterDraft(title="Wandel", salutation="", body="Die Transformation der Abteilungen.",
                        closing="", signature="S", postscript="", language=Language.DE,
                        addressee=None, addressee_name="Alle", tags=["Leadership"])  # fmt: skip
    published_at = save_letter(author, draft, publish=True).published_at
    db.session.commit()
    with logging_left_alone():
        stamp()
        downgrade(revision="0011pageversions")
    db.session.remove()
    with logging_left_alone():
        upgrade()
    db.session.remove()
    dated = db.session.scalars(select(LetterTag.published_at)).one()
    assert dated is not None and abs(dated - published_at).total_seconds() < 1
    assert "Wandel" in client.get("/tags/leadership").get_data(as_text=True)
    assert "1 letter found." in client.get("/search?q=Transformation").get_data(as_text=True)
