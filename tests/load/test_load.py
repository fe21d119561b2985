"""32 people on the site for a minute, with the sender running (bench/load): `make soak`."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.load import site
from bench.load.run import run_load
from tests.support import BACKENDS, POSTGRES_URL

pytestmark = pytest.mark.soak


@pytest.mark.parametrize("backend", BACKENDS)
def test_32_people_for_a_minute_meet_no_5xx_no_locked_database_and_lose_no_letter_or_notice(
    backend: str, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'load.sqlite'}"
    if backend == "postgres":
        url = site.own_postgres_database(POSTGRES_URL)
    try:
        findings = run_load(url, tmp_path, users=32, seconds=60)
    finally:
        if backend == "postgres":
            site.drop_postgres_database(url, POSTGRES_URL)
    print(f"\n{backend}:\n{findings.table()}")
    print(f"{len(findings.published)} letters published, {len(findings.confirmed)} "
          f"subscriptions confirmed, {len(findings.unsubscribed)} left in one click")  # fmt: skip
    assert findings.problems() == []
    # The people did what the checks speak of: the run was not empty.
    assert len(findings.published) >= 10
    assert len(findings.unsubscribed) >= 3
    assert sum(row.count for row in findings.rows if row.kind == "GET") >= 500
