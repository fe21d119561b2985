"""Engine set-up that makes SQLite safe for several writers at once."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from flask import Flask, has_request_context, request
from sqlalchemy import DateTime, Enum, event
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.types import TypeDecorator

from app.extensions import db


def utc_now() -> datetime:
    """The current moment, timezone-aware."""
    return datetime.now(UTC)


READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def starts_write_transaction() -> bool:
    """Writes happen outside requests (commands, the sender) and in non-GET requests."""
    return not (has_request_context() and request.method in READ_ONLY_METHODS)


def configure_sqlite(engine: Engine) -> None:
    """WAL, a busy timeout, foreign keys, and the write lock taken when a write begins.

    pysqlite opens transactions lazily at the first write, so a read-then-write
    transaction reads a snapshot that another writer may change before the upgrade;
    the update is then lost or fails with "database is locked". BEGIN IMMEDIATE takes
    the lock before the first read, and the busy timeout makes others wait their turn.
    """

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        if starts_write_transaction():
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


def init_database(app: Flask) -> None:
    """Bind SQLAlchemy and apply the SQLite settings where SQLite is used."""
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)


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
