"""The content version of the pages readers share: one number that every web process sees.

A write that readers would see (a letter published, edited, withdrawn, hidden or restored, a
link, a name, a picture) calls `pages_changed()`; when its transaction commits, the version
moves on, and every process stops serving pages kept under the old one (app/page_cache.py).

Where the number lives: in the database by default, updated as the last statement of the
writing transaction, so the page data and the version change together and a reader that sees
the new version reads the new data; with Redis (REDIS_URL), in Redis beside the pages,
moved on right after the commit. The number is a count of seconds (the time of the change,
or one more than the last number when changes come faster), so it also serves as the
pages' Last-Modified: each version has its own.
"""

from __future__ import annotations

import time
from typing import Any

from flask import current_app
from sqlalchemy import BigInteger, case, event, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Session, SessionTransaction, mapped_column
from sqlalchemy.schema import Table

from app.extensions import cache, db

VERSION_KEY = "version"
CHANGED = "pages changed"
# Atomic in Redis: the time of the change, or one past the last version if that is later.
NEXT_VERSION = """
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local next = tonumber(ARGV[1])
if next <= current then next = current + 1 end
redis.call('SET', KEYS[1], next)
return next
"""


class PageVersion(db.Model):
    """The one row holding the version of every page readers share."""

    __tablename__ = "page_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)


@event.listens_for(PageVersion.__table__, "after_create")
def insert_first_version(table: Table, connection: Connection, **_: Any) -> None:
    connection.execute(table.insert().values(id=1, version=int(time.time())))


def pages_changed() -> None:
    """What this transaction writes shows on pages: they are made anew once it commits."""
    db.session.info[CHANGED] = True


def uses_redis() -> bool:
    return current_app.config["CACHE_TYPE"] == "RedisCache"


# Read straight through the driver, on a pooled connection of its own: this runs for every
# page a signed-out reader asks for, and the ORM would cost more than the rest of a kept page.
# A page made after this read shows at least this version's data (the version moves in the
# writing transaction), so keeping it under this version is safe even if it shows newer.
VERSION_QUERY = "SELECT version FROM page_versions WHERE id = 1"


def current_version_in_database() -> int | None:
    """The version as committed now (None in a database without the row)."""
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(VERSION_QUERY)
        row = cursor.fetchone()
        cursor.close()
    finally:
        connection.close()  # back to the pool, which ends the transaction
    return int(row[0]) if row else None


def redis_client() -> Any:
    """The Redis connection of Flask-Caching's store (cachelib keeps it as _write_client)."""
    return cache.cache._write_client


def redis_version_key() -> str:
    return current_app.config["CACHE_KEY_PREFIX"] + VERSION_KEY


def first_version_in_redis() -> int:
    """A Redis without the version (new, or emptied) starts at the present second."""
    redis_client().set(redis_version_key(), int(time.time()), nx=True)
    return int(redis_client().get(redis_version_key()))


@event.listens_for(Session, "before_commit")
def move_version_in_database(session: Session) -> None:
    # The last statement of the transaction: the row is locked only while it commits.
    if session.info.get(CHANGED) and not uses_redis():
        now = int(time.time())
        session.execute(
            update(PageVersion)
            .where(PageVersion.id == 1)
            .values(version=case((PageVersion.version < now, now), else_=PageVersion.version + 1))
        )


@event.listens_for(Session, "after_commit")
def move_version_in_redis(session: Session) -> None:
    # After the commit, never before: a reader in between would keep the old page under
    # the new version.
    if session.info.pop(CHANGED, False) and uses_redis():
        try:
            redis_client().eval(NEXT_VERSION, 1, redis_version_key(), int(time.time()))
        except Exception:  # noqa: BLE001 — the write is saved; the pages time out (logged)
            current_app.logger.exception("The page version could not be moved on in Redis.")


@event.listens_for(Session, "after_transaction_end")
def forget_changes_rolled_back(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # committed (handled above) or rolled back as a whole
        session.info.pop(CHANGED, None)
