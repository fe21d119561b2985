"""`flask doctor` on the database and the sender, on SQLite and PostgreSQL."""

from __future__ import annotations

import secrets
import socket
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from flask_migrate import downgrade
from sqlalchemy import update

from app.database import utc_now
from app.extensions import db
from app.notifications.heartbeat import SenderHeartbeat
from app.notifications.sender import claim_due_notices
from app.outbox import Notice
from app.subscriptions.models import Target
from bench.servers import compiled_static
from tests.mailserver import MailServer
from tests.ops.support import run_doctor
from tests.support import deliver_outbox
from tests.test_migrations import logging_left_alone


@pytest.fixture
def app(app_factory: Callable[..., Flask], mail_server: MailServer, tmp_path: Path) -> Flask:
    """A site set up as it should be: a long secret key, a mail server that answers."""
    static = compiled_static(tmp_path / "static")
    return app_factory(
        SECRET_KEY=secrets.token_urlsafe(48), STATIC_FOLDER=str(static), **mail_server.settings
    )


def heads() -> ScriptDirectory:
    return ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())


def test_doctor_finds_the_database_answering_and_migrated(app, migrated):
    (head,) = heads().get_heads()
    line = run_doctor(app).ok("database")
    assert f"answers, migrated to {head}" in line


def test_doctor_says_a_database_built_without_migrations_needs_flask_db_upgrade(app):
    report = run_doctor(app)  # the tests' database is made by create_all: no alembic_version
    assert "has no migrations yet" in report.problem("database")
    assert "flask db upgrade" in report.lines["database"]
    assert report.exit_code == 1


def test_doctor_says_a_database_behind_the_code_needs_flask_db_upgrade(app, migrated):
    script = heads()
    (head,) = script.get_heads()
    previous = script.get_revision(head).down_revision
    with logging_left_alone():
        downgrade(revision=previous)
    line = run_doctor(app).problem("database")
    assert f"is at migration {previous}, this code needs {head}" in line
    assert "flask db upgrade" in line


def test_doctor_says_no_sender_has_run_while_emails_wait(app, make_user, make_letter, subscribe):
    subscribe("reader@example.org", Target.SITE)
    make_letter(make_user(), None)
    line = run_doctor(app).problem("sender")
    assert "no sender has run yet; in the outbox: emails due 0, letters to announce 1" in line
    assert "flask notify run" in line


def test_doctor_finds_the_sender_that_ran_a_moment_ago(app):
    deliver_outbox()  # a round of the sender, as `flask notify run` makes every few seconds
    line = run_doctor(app).ok("sender")
    assert f"s ago on {socket.gethostname()}" in line


def test_doctor_says_a_sender_silent_for_minutes_is_not_running(
    app, make_user, make_letter, subscribe
):
    deliver_outbox()
    db.session.execute(update(SenderHeartbeat).values(beat_at=utc_now() - timedelta(minutes=10)))
    db.session.commit()
    subscribe("reader@example.org", Target.SITE)
    make_letter(make_user(), None)
    line = run_doctor(app).problem("sender")
    assert "the last round started 10 min ago" in line
    assert "in the outbox: emails due 0, letters to announce 1" in line


def test_doctor_finds_a_sender_busy_with_a_long_batch(app, make_user, make_letter, subscribe):
    subscribe("reader@example.org", Target.SITE)
    make_letter(make_user(), None)
    deliver_outbox()
    db.session.execute(update(Notice).values(state="pending", next_attempt_at=utc_now()))
    db.session.execute(update(SenderHeartbeat).values(beat_at=utc_now() - timedelta(minutes=10)))
    db.session.commit()
    assert claim_due_notices(10, "busy-sender")  # its lease runs for minutes yet
    line = run_doctor(app).ok("sender")
    assert "sending a long batch (emails claimed: 1)" in line


def test_doctor_exits_0_when_everything_is_in_order(app, migrated):
    app.config["IMPRINT"] = "Briefe GmbH, Musterstraße 1, 12345 Berlin"  # a public site has one
    deliver_outbox()
    report = run_doctor(app)
    assert all(line.startswith("OK ") for line in report.lines.values()), report.lines
    assert report.exit_code == 0
