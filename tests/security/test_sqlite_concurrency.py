"""SQLite with several writers: WAL, a busy timeout, and the write lock taken at BEGIN.

Each worker reads a counter (a user's avatar_version), waits a moment as a real request
would, and writes the counter plus one, in one transaction. With the app's engine set-up no
update is lost; with pysqlite's default set-up the same work loses updates (or fails with
"database is locked"), which shows that the set-up is what makes the difference.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.extensions import db

THREADS = 16
ROUNDS = 8
EXPECTED = THREADS * ROUNDS


@pytest.fixture
def sqlite_app(backend: str, app: Flask) -> Flask:
    if backend != "sqlite":
        pytest.skip("SQLite's locking only")
    return app


def increment(session: Session, user_id: int) -> None:
    """Read the counter, let other threads run, write it back plus one; one transaction."""
    value = session.scalar(select(User.avatar_version).where(User.id == user_id))
    time.sleep(0.002)  # the time a request spends between its read and its write
    session.get_one(User, user_id).avatar_version = value + 1
    session.commit()


def run_workers(work: Callable[[], None]) -> list[BaseException]:
    """Run `work` ROUNDS times in each of THREADS threads, all starting at once."""
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def worker() -> None:
        start.wait()
        try:
            for _round in range(ROUNDS):
                work()
        except Exception as error:  # collected, and asserted on by the test
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a worker hung"
    return errors


def counter(session: Session, user_id: int) -> int:
    return session.scalar(select(User.avatar_version).where(User.id == user_id))


def test_app_engine_uses_wal_and_a_busy_timeout(sqlite_app):
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() > 0
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_concurrent_read_then_write_updates_lose_nothing(sqlite_app, make_user):
    user_id = make_user().id
    db.session.commit()  # the test's own transaction would hold the write lock

    def work() -> None:
        with sqlite_app.app_context():  # a fresh session per thread, as in a request
            increment(db.session, user_id)

    errors = run_workers(work)
    assert errors == []
    db.session.expire_all()
    assert counter(db.session, user_id) == EXPECTED


def test_default_pysqlite_setup_loses_updates_on_the_same_work(sqlite_app, tmp_path: Path):
    """The control: pysqlite's deferred transactions, no BEGIN IMMEDIATE, no WAL, no pragmas."""
    engine = create_engine(f"sqlite:///{tmp_path / 'control.sqlite'}")
    db.metadata.create_all(engine, tables=[User.__table__])
    with Session(engine) as session:
        user = User(email="c@example.org", handle="c", display_name="C", avatar_version=0)
        session.add(user)
        session.commit()
        user_id = user.id

    def work() -> None:
        with Session(engine) as session:
            increment(session, user_id)

    errors = run_workers(work)
    with Session(engine) as session:
        final = counter(session, user_id)
    engine.dispose()
    locked = [error for error in errors if isinstance(error, OperationalError)]
    assert errors == locked, errors  # nothing else went wrong
    assert final < EXPECTED or locked, "the default set-up should lose updates or fail"
