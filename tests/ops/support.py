"""What the operations tests share: `flask doctor`'s report, a site built by the migrations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import Flask
from flask_migrate import upgrade

from app.extensions import db
from tests.support import app_for_tests
from tests.test_migrations import drop_every_table, logging_left_alone


@dataclass
class Report:
    """What `flask doctor` printed: one line per check, and its exit code."""

    exit_code: int
    lines: dict[str, str]

    def ok(self, check: str) -> str:
        line = self.lines[check]
        assert line.startswith("OK "), line
        return line

    def problem(self, check: str) -> str:
        line = self.lines[check]
        assert line.startswith("PROBLEM "), line
        assert ". Fix: " in line, line
        return line


def run_doctor(app: Flask) -> Report:
    result = app.test_cli_runner().invoke(args=["doctor"])
    lines = {}
    for line in result.output.splitlines():
        status, rest = line.split(maxsplit=1)
        assert status in ("OK", "PROBLEM"), line
        lines[rest.split(":", 1)[0]] = line
    assert len(lines) == 10, result.output
    return Report(result.exit_code, lines)


@contextmanager
def built_by_the_migrations() -> Iterator[None]:
    """The current app's database emptied and built by the migrations; emptied afterwards."""
    drop_every_table(db.engine)
    try:
        with logging_left_alone():
            upgrade()
        yield
    finally:
        db.session.remove()
        drop_every_table(db.engine)


@contextmanager
def migrated_site(url: str) -> Iterator[Flask]:
    """An app on an empty database built by the migrations; emptied again afterwards."""
    app = app_for_tests(url)
    with app.app_context():
        try:
            with built_by_the_migrations():
                yield app
        finally:
            db.engine.dispose()
