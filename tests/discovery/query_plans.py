"""What the database plans for the statements the app really runs: no scan of a large table.

The statements are captured as the app issues them (a before_cursor_execute listener) and
each is explained on the same connection with its own parameters: EXPLAIN on PostgreSQL,
EXPLAIN QUERY PLAN on SQLite. A plan that reads a whole large table costs more with every
letter; one that follows an index (and stops at its LIMIT) does not.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event

from app.extensions import db

LARGE_TABLES = ("letters", "letter_tags", "notifications", "letter_events", "subscriptions",
                "links", "letter_suggestions", "letter_search")  # fmt: skip
EXPLAINABLE = re.compile(r"\s*(SELECT|WITH|UPDATE|DELETE|INSERT)\b", re.I)


@dataclass
class Captured:
    statements: list[tuple[str, Any]] = field(default_factory=list)


@contextmanager
def captured_statements() -> Iterator[Captured]:
    captured = Captured()

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any,
               executemany: bool) -> None:  # fmt: skip
        if EXPLAINABLE.match(statement) and not executemany:  # many rows: an INSERT
            captured.statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield captured
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def plan_of(statement: str, parameters: Any) -> str:
    """The database's plan for one statement, as text."""
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        sqlite = db.engine.dialect.name == "sqlite"
        cursor.execute(("EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ") + statement, parameters)
        rows = cursor.fetchall()
        return "\n".join(str(row[-1]) for row in rows)
    finally:
        connection.rollback()
        connection.close()


def full_scans(plan: str) -> list[str]:
    """The plan's lines that read a large table whole (not through an index or FTS5)."""
    found = []
    for line in plan.splitlines():
        postgres = re.search(r"Seq Scan on (\w+)", line)
        sqlite = re.match(r"\s*SCAN (\w+)(?: AS \w+)?(.*)", line)
        if postgres and postgres.group(1) in LARGE_TABLES:
            found.append(line.strip())
        elif sqlite and sqlite.group(1) in LARGE_TABLES and "VIRTUAL TABLE" not in line:
            found.append(line.strip())
    return found


def scans_of(action: Callable[[], object]) -> dict[str, list[str]]:
    """Run the action; every statement it ran whose plan reads a large table whole."""
    with captured_statements() as captured:
        action()
    offenders = {}
    for statement, parameters in captured.statements:
        if scans := full_scans(plan_of(statement, parameters)):
            offenders[" ".join(statement.split())[:400]] = scans
    return offenders
