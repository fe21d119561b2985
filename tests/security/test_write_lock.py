"""SQLite's write lock held elsewhere: a request waits briefly, answers 503, keeps the form."""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator
from html import unescape

import pytest
from sqlalchemy import event, select

from app.extensions import db
from app.letters.models import Letter
from tests.support import letter_form, sign_in

TYPED = "Liebe Svenja,\n\nwhat I typed for an hour.\n\n<b>and kept</b> & more"


@pytest.fixture
def app(backend, app_factory):
    if backend != "sqlite":
        pytest.skip("SQLite's write lock")
    return app_factory(SQLITE_REQUEST_WAIT_MS=300)


@pytest.fixture
def busy_app(app):
    return app


@pytest.fixture
def writer(busy_app, make_user):
    user = make_user("Sven")
    db.session.commit()  # the test's own transaction would hold the write lock
    client = busy_app.test_client()
    sign_in(client, user)
    return client


def held_write_lock(app) -> Iterator[sqlite3.Connection]:
    db.session.commit()  # whatever the test's own session began
    path = db.engine.url.database
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


def statements_during(app) -> list[str]:
    seen: list[str] = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute",
                     lambda _c, _cu, statement, *_a: seen.append(statement))  # fmt: skip
    return seen


def test_a_write_that_cannot_get_the_lock_answers_503_quickly_and_keeps_the_form(busy_app, writer):
    statements = statements_during(busy_app)
    other = held_write_lock(busy_app)
    started = time.monotonic()
    try:
        response = writer.post("/letters/new", data=letter_form(body=TYPED, title="Kept"))
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert time.monotonic() - started < 2
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    page = response.get_data(as_text=True)
    assert "Busy for a moment" in page and 'class="site-header"' in page  # the styled page
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))
    assert unescape(fields["body"]) == TYPED and fields["title"] == "Kept"
    assert "<b>and kept</b>" not in page
    # Nothing after the failed wait for the lock: the error page did not try again.
    assert statements and all(s == "BEGIN IMMEDIATE" for s in statements)

    db.session.rollback()  # the request shared the test's session (and its failed begin)
    resent = writer.post("/letters/new", data={k: unescape(v) for k, v in fields.items()})
    assert resent.status_code == 302
    db.session.rollback()
    saved = db.session.scalar(select(Letter).where(Letter.title == "Kept"))
    assert saved is not None and saved.body.replace("\r\n", "\n") == TYPED


def test_passwords_are_not_written_into_the_busy_page(busy_app, writer):
    other = held_write_lock(busy_app)
    try:
        typed = {"current_password": "secret words", "new_password": "other words"}
        response = writer.post("/settings/password", data=typed)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert response.status_code == 503
    assert "secret words" not in response.get_data(as_text=True)


def test_reading_goes_on_while_a_writer_holds_the_lock(busy_app, writer, make_user, make_letter):
    make_letter(make_user("Svenja"), None, title="Read while locked")
    other = held_write_lock(busy_app)
    try:
        page = writer.get("/")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert page.status_code == 200 and "Read while locked" in page.get_data(as_text=True)
