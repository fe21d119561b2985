"""Fixtures of the operations tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.ops.support import built_by_the_migrations


@pytest.fixture
def migrated(app: Flask) -> Iterator[None]:
    """The test's database built by the migrations, as `flask db upgrade` builds it."""
    with built_by_the_migrations():
        yield
