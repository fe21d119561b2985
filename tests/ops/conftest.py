"""Fixtures of the operations tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask_migrate import upgrade

from app.extensions import db
from tests.test_migrations import drop_every_table, logging_left_alone


@pytest.fixture
def migrated(app: Flask) -> Iterator[None]:
    """The test's database built by the migrations, as `flask db upgrade` builds it."""
    drop_every_table(db.engine)
    try:
        with logging_left_alone():
            upgrade()
        yield
    finally:
        db.session.remove()
        drop_every_table(db.engine)
