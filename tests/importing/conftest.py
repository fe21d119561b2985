"""Fixtures of the import tests: running `flask import wordpress` on the test exports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from click.testing import Result

from app.extensions import db
from tests.importing.support import EXPORTS


@pytest.fixture
def import_export(runner: Any) -> Callable[..., Result]:
    """Run `flask import wordpress` on one of tests/importing/exports/ (name without .xml)."""

    def run(name: str, *options: str) -> Result:
        result = runner.invoke(args=["import", "wordpress", str(EXPORTS / f"{name}.xml"), *options])
        db.session.expire_all()
        return result

    return run
