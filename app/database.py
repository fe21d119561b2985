"""Engine set-up that makes SQLite safe for several writers at once."""

from __future__ import annotations

import enum
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app, has_request_context, request
from sqlalchemy import DateTime, Enum, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.types import TypeDecorator

from app.extensions import db


def utc_now() -> datetime:
    """The current moment, timezone-aware."""
    return datetime.now(UTC)


READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_reading_only: ContextVar[bool] = ContextVar("reading_only", default=False)


@contextmanager
def read_only_transactions() -> Iterator[None]:
    """Transactions begun inside only read, so on SQLite they take no write lock.

    The sender renders a batch of notices for a while; holding the write lock meanwhile
    would make every colleague saving a draft wait for it.
    """
    token = _reading_only.set(True)
    try:
        yield
    finally:
        _reading_only.reset(token)


def starts_write_transaction() -> bool:
    """Writes happen outside requests (commands, the sender) and in non-GET requests."""
    if _reading_only.get():
        return False
    return not (has_request_context() and request.method in READ_ONLY_METHODS)


# SQLite's own wait for a lock sleeps longer and longer between tries (up to 100 ms), so a
# writer that waits long loses the lock to each one that just arrived. We wait in short
# rounds instead, each starting again with SQLite's short sleeps.
LOCK_WAIT_ROUND_MS = 50
# While others write too, a background writer (the sender, a command) leaves the lock free
# this long before each of its write transactions, so that a request waiting for it goes
# first. It knows others write when it had to wait for the lock itself in the last second.
BACKGROUND_YIELD_SECONDS = 0.02
CONTENTION_MEMORY_SECONDS = 1.0
_background_contended_until = 0.0


def configure_sqlite(engine: Engine, request_wait_ms: int, background_wait_ms: int) -> None:
    """WAL, a busy timeout, foreign keys, and the write lock taken when a write begins.

    pysqlite opens transactions lazily at the first write, so a read-then-write
    transaction reads a snapshot that another writer may change before the upgrade;
    the update is then lost or fails with "database is locked". BEGIN IMMEDIATE takes
    the lock before the first read, and the busy timeout makes others wait their turn.
    A request waits only so long that it can still answer 503 well before the web server
    gives up on it; the sender and commands, which nobody watches, wait longer.
    """

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={LOCK_WAIT_ROUND_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        if not starts_write_transaction():
            connection.exec_driver_sql("BEGIN")
            return
        if has_request_context():
            begin_immediate(connection, time.monotonic() + request_wait_ms / 1000)
            return
        begin_immediate_in_background(connection, background_wait_ms)


def begin_immediate_in_background(connection: Any, wait_ms: int) -> None:
    """Take the write lock for the sender or a command, letting waiting requests go first."""
    global _background_contended_until
    started = time.monotonic()
    if started < _background_contended_until:
        time.sleep(BACKGROUND_YIELD_SECONDS)
        started = time.monotonic()
    begin_immediate(connection, started + wait_ms / 1000)
    if time.monotonic() - started > 0.002:  # the lock was taken: someone else writes
        _background_contended_until = time.monotonic() + CONTENTION_MEMORY_SECONDS


def begin_immediate(connection: Any, deadline: float) -> None:
    """Take the write lock, trying again in short rounds until the deadline."""
    while True:
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except OperationalError as error:
            if "locked" not in str(error.orig) or time.monotonic() >= deadline:
                raise


# Rows ANALYZE reads of each index: estimates as good for planning, at a bounded cost on a
# site of any size (SQLite's own advice for periodic statistics).
ANALYSIS_ROW_LIMIT = 1000


def refresh_planner_statistics() -> None:
    """Fresh statistics for SQLite's query planner (the sender's hourly upkeep).

    Without them SQLite guesses that every index narrows a search well, and may walk all
    published letters by their status where one letter's few rows were asked for.
    PostgreSQL's autovacuum keeps its own statistics fresh.
    """
    if db.engine.dialect.name != "sqlite":
        return
    db.session.execute(text(f"PRAGMA analysis_limit={ANALYSIS_ROW_LIMIT}"))
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def init_database(app: Flask) -> None:
    """Bind SQLAlchemy and apply the SQLite settings where SQLite is used."""
    db.init_app(app)
    # Registered after Flask-SQLAlchemy's own teardown, so it runs first.
    app.teardown_appcontext(end_session)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(
                db.engine,
                app.config["SQLITE_REQUEST_WAIT_MS"],
                app.config["SQLITE_BACKGROUND_WAIT_MS"],
            )


def end_session(_error: BaseException | None = None) -> None:
    """End the session of a request or command, even on a connection the server has cut.

    A database restarting ends every open connection; a request that had read its page
    before then still rolls back at its end, which fails: the reader should get the page,
    not a bare 500. The failed connection is discarded (SQLAlchemy invalidates it).
    """
    try:
        db.session.remove()
    except DBAPIError as error:
        current_app.logger.warning("Ending the database session failed: %s", error)
        db.session.registry.clear()


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp on every backend (SQLite keeps no zone, so we add UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def string_enum(enum_class: type[enum.StrEnum], length: int) -> Enum:
    """An enum stored as its plain value in a VARCHAR, the same on SQLite and PostgreSQL."""
    return Enum(
        enum_class,
        native_enum=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
    )


def finish_request_transaction(status_code: int) -> None:
    """Commit what a request did, once, at its end; a request that failed keeps nothing.

    Services add and flush; only here (and in the sender and the commands) is work
    committed, so a letter and everything that follows from it land together or not at all.
    A GET commits only what it wrote (following an emailed confirmation link does).
    """
    if status_code >= 400:
        db.session.rollback()
    elif request.method not in READ_ONLY_METHODS or has_unsaved_writes():
        db.session.commit()


def has_unsaved_writes() -> bool:
    """Whether the session holds changes, flushed or not, that no commit has saved yet."""
    session = db.session
    return bool(session.new or session.dirty or session.deleted or session.info.get(WROTE))


WROTE = "wrote since the last commit"


@event.listens_for(Session, "after_flush")
def remember_flushed_writes(session: Session, _context: Any) -> None:
    session.info[WROTE] = True


@event.listens_for(Session, "after_transaction_end")
def forget_flushed_writes(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # committed or rolled back as a whole, not a savepoint
        session.info.pop(WROTE, None)


def forget_request_work() -> None:
    """Roll back after a view failed, without waiting on a database that may be what failed."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 — the connection itself may be broken
        current_app.logger.warning("Rolling back after a failed request failed too.")


def upsert_insert(model: Any) -> Any:
    """INSERT for this database's dialect, the one with ON CONFLICT (PostgreSQL and SQLite)."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)
