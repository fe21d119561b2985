"""Shared fixtures: an application per test on SQLite and (with TEST_DATABASE_URL) PostgreSQL.

Helpers that are not fixtures live in tests/support.py.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from _pytest.nodeid import NodeId
from flask import Flask, g, request_started
from flask.testing import FlaskClient
from sqlalchemy import event

from app import database
from app.accounts.models import User
from app.accounts.service import create_user
from app.database import utc_now
from app.extensions import db
from app.letters.models import Language, Letter
from app.letters.service import LetterDraft, save_letter
from app.subscriptions.models import Frequency, Subscription, Target
from tests.mailserver import MailServer
from tests.support import (
    BACKENDS,
    PASSWORD,
    QueryCounter,
    app_for_tests,
    database_url,
    deliver_outbox,
    fresh_database,
)

# Servers and senders the tests start as processes read their settings from the environment:
# they tell no site outside this machine of the letters the tests publish.
os.environ.setdefault("WEBMENTION_SEND", "off")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Let pytest-xdist's loadgroup see the groups again (the browser tests' one Chromium).

    pytest-xdist 3.8 marks a test's group by appending "@group" to `item._nodeid`, but since
    pytest 9.2 the node id is read from `item._id`: without this, grouped tests spread over
    every worker. It runs after xdist's own hook and carries the suffix across.
    """
    for item in items:
        marked = item.__dict__.get("_nodeid")
        if isinstance(marked, str) and marked != item.nodeid and hasattr(item, "_id"):
            item._id = NodeId.parse(marked)


@pytest.fixture(autouse=True)
def fresh_globals_per_request() -> Iterator[None]:
    """Give every request an empty `g`, as production does.

    The test's app context stays open for the whole test, and Flask reuses it for every
    request: without this, the signed-in user, the CSRF token and the locale would leak
    from one request (or one client) into the next.
    """

    def clear(_sender: Flask, **_extra: object) -> None:
        for name in list(g):
            g.pop(name)

    request_started.connect(clear, weak=False)
    yield
    request_started.disconnect(clear)


@pytest.fixture(autouse=True)
def no_lock_contention_remembered(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start each test as a new process would: without memory of writers waiting for SQLite.

    A background writer that saw contention in the last second yields the lock (it sleeps)
    before its next write; contention in one test would otherwise slow or upset the next.
    """
    monkeypatch.setattr(database, "_background_contended_until", 0.0)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def sqlite_schema(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with the empty schema, which each test's database starts as a copy of."""
    path = tmp_path_factory.mktemp("schema") / "schema.sqlite"
    app = app_for_tests(f"sqlite:///{path}")
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return path


@pytest.fixture
def app_factory(
    backend: str, tmp_path: Path, sqlite_schema: Path
) -> Iterator[Callable[..., Flask]]:
    """Build an app with extra settings on a fresh database, emptied afterwards."""
    stack: list[Any] = []

    def build(**overrides: Any) -> Flask:
        app = app_for_tests(database_url(backend, tmp_path), **overrides)
        context = fresh_database(app, schema=sqlite_schema)
        context.__enter__()
        stack.append(context)
        return app

    yield build
    for context in reversed(stack):
        context.__exit__(None, None, None)


@pytest.fixture
def app(app_factory: Callable[..., Flask]) -> Flask:
    return app_factory()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    """A colleague with the test password, committed."""
    counter = iter(range(1, 10_000))

    def make(name: str | None = None, **fields: Any) -> User:
        number = next(counter)
        name = name or f"Colleague {number}"
        email = fields.pop("email", f"person{number}@example.org")
        is_admin = fields.pop("is_admin", False)
        confirmed = fields.pop("confirmed", True)
        user = create_user(
            email,
            name,
            PASSWORD,
            is_admin=is_admin,
            confirmed=confirmed,
            handle=fields.pop("handle", None),
        )
        for key, value in fields.items():
            setattr(user, key, value)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_letter(app: Flask) -> Callable[..., Letter]:
    """A letter (published unless told), committed."""

    def make(
        author: User,
        addressee: User | None = None,
        *,
        publish: bool = True,
        parent: Letter | None = None,
        **fields: Any,
    ) -> Letter:
        draft = LetterDraft(
            title=fields.pop("title", "A letter"),
            salutation=fields.pop("salutation", ""),
            body=fields.pop("body", "The body of the letter."),
            closing=fields.pop("closing", "Best"),
            signature=fields.pop("signature", author.greeting_name),
            postscript=fields.pop("postscript", ""),
            language=Language(fields.pop("language", "en")),
            addressee=addressee,
            addressee_name=fields.pop("addressee_name", "" if addressee else "Someone Outside"),
        )
        letter = save_letter(author, draft, publish=publish, in_reply_to=parent)
        db.session.commit()
        return letter

    return make


@pytest.fixture
def count_queries(app: Flask) -> Callable[[], Any]:
    """Count the SQL statements run inside a `with count_queries() as counter:` block."""

    @contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()

        def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            if not re.match(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)", statement, re.I):
                counter.statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", record)

    return counting


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    """A running SMTP server; build the app with `app_factory(**mail_server.settings)`."""
    server = MailServer().start()
    server.inbox.run_sender = deliver_outbox
    yield server
    server.stop()


@pytest.fixture
def send_notices(app: Flask) -> Callable[[], int]:
    """Run the sender once, as `flask notify run --once` does."""

    return deliver_outbox


@pytest.fixture
def subscribe(app: Flask) -> Callable[..., Subscription]:
    """A confirmed subscription, as if the confirmation link had been followed; committed."""

    def make(
        email: str,
        target: Target = Target.SITE,
        target_id: int = 0,
        frequency: Frequency = Frequency.INSTANT,
        **fields: Any,
    ) -> Subscription:
        fields.setdefault("confirmed_at", utc_now())
        subscription = Subscription(
            email=email, target=target, target_id=target_id, frequency=frequency, **fields
        )
        db.session.add(subscription)
        db.session.commit()
        return subscription

    return make
