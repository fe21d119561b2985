"""bench/scale.py runs end to end at small sizes and prints every row with its aim."""

from __future__ import annotations

import pytest

from bench import scale
from tests.support import BACKENDS, postgres_url_of_this_worker


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_scale_bench_measures_every_page_search_and_write(backend, monkeypatch, capsys):
    for name in ("PAGE_CACHE", "REDIS_URL"):  # the bench sets them; put them back after
        monkeypatch.setenv(name, "")
    database = "postgresql" if backend == "postgres" else "sqlite"
    arguments = ["--sizes", "120,240", "--backends", database, "--requests", "2",
                 "--searches", "8", "--writes", "2"]  # fmt: skip
    if backend == "postgres":
        arguments += ["--postgres", postgres_url_of_this_worker()]
    scale.run(scale.parse(arguments))
    printed = capsys.readouterr().out
    for row in ("letter page", "thread page (50 letters)", "front page", "tag page",
                "author page", "site feed", "save a draft", "publish a draft",
                "answer a letter", "search p50", "search p99"):  # fmt: skip
        line = next(line for line in printed.splitlines() if line.startswith(row))
        small, large, ratio = (float(part) for part in line[32:].split()[:3])
        assert small > 0 and large > 0 and ratio > 0, line
    assert "240 letters seeded" in printed
