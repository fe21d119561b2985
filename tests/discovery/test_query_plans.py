"""The hot queries follow indexes: on a site of 3,000 letters (statistics fresh), no statement
of the letter, thread, front, tag or author page, of a search, nor the sender's claim of due
notices, reads a large table whole. The plans are the database's own (EXPLAIN), for the SQL
the app runs."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text

from app.discovery import search_postgres
from app.extensions import db
from app.notifications.sender import claim_due_notices
from app.outbox import Notice
from bench.seed_bulk import seed_bulk
from tests.discovery.query_plans import captured_statements, plan_of, scans_of
from tests.support import POSTGRES_SKIP_REASON, POSTGRES_URL

LETTERS = 3000


@pytest.fixture
def big_site(app, backend):
    """3,000 letters with their tags, links, subscriptions and past notices, analysed."""
    if backend == "postgres" and not POSTGRES_URL:
        pytest.skip(POSTGRES_SKIP_REASON)
    # Correspondences of up to 10 letters (and the one of 50): the 20 on a front page are
    # then a small part of the letters, as on a large site, and the planner plans for that.
    seeded = seed_bulk(LETTERS, longest=10)
    # A few notices due now, beside the thousands already sent.
    for number in range(5):
        db.session.add(Notice(recipient=f"due{number}@example.org", kind="subscription",
                              letter_id=number + 1))  # fmt: skip
    db.session.commit()
    return seeded


def pages(seeded) -> dict[str, str]:
    return {
        "letter page": f"/letters/{seeded.letter_slug}",
        "thread page": f"/threads/{seeded.thread_slug}",
        "front page": "/",
        "front page, page 3": "/?page=3",
        "tag page": f"/tags/{seeded.tag_slug}",
        "tag feed": f"/tags/{seeded.tag_slug}/feed.atom",
        "site feed": "/feed.atom",
        "author page": f"/@{seeded.author_handle}",
        "search, a word most letters have": "/search?q=the+team",
        "search, a rarer word": "/search?q=plerida",
        "search, a name": "/search?q=Clara",
    }


def test_hot_queries_read_no_large_table_whole(big_site, client, monkeypatch):
    # A search ranks the newest 1,000 matches, 1 % of a site of 100,000 letters: the same
    # share of this site, so that PostgreSQL plans as it would there.
    monkeypatch.setattr(search_postgres, "BOUND", LETTERS // 100)
    offenders = {}
    for page, path in pages(big_site).items():
        if scans := scans_of(lambda path=path: client.get(path)):
            offenders[page] = scans
    if scans := scans_of(lambda: claim_due_notices(10, "plan-test")):
        offenders["due-notice claim"] = scans
    assert offenders == {}, "\n".join(
        f"{page}: {statement[:200]}\n    {scans}"
        for page, found in offenders.items()
        for statement, scans in found.items()
    )
    assert db.session.query(Notice).filter_by(claimed_by="plan-test").count() == 5


def forget_planner_statistics() -> None:
    """The SQLite site as it was before the sender's first hourly round: no statistics."""
    db.session.execute(text("DELETE FROM sqlite_stat1"))
    db.session.commit()
    db.engine.dispose()  # each new connection reads the (now empty) statistics


def test_a_letter_page_reads_its_own_rows_even_before_statistics(big_site, backend, client):
    """Without statistics SQLite would take any index for a narrow one: the backlinks of one
    letter must not be looked for among every published letter, by status."""
    if backend == "sqlite":
        forget_planner_statistics()
    with captured_statements() as captured:
        assert client.get(f"/letters/{big_site.letter_slug}").status_code == 200
    every_published = [
        " ".join(statement.split())[:200]
        for statement, parameters in captured.statements
        if "ix_letters_status_published_at" in plan_of(statement, parameters)
    ]
    assert every_published == []


def test_the_senders_hourly_round_gives_sqlite_its_planner_statistics(
    backend, runner, make_user, make_letter
):
    if backend != "sqlite":
        pytest.skip("PostgreSQL's autovacuum keeps its statistics")
    make_letter(make_user(), None)
    assert runner.invoke(args=["notify", "run", "--once"]).exit_code == 0
    analysed = db.session.scalars(text("SELECT DISTINCT tbl FROM sqlite_stat1")).all()
    assert {"letters", "users"} <= set(analysed)


def test_a_web_process_opens_its_sqlite_connections_anew_within_the_hour(
    backend, client, monkeypatch
):
    """A SQLite connection reads the statistics when it opens: the pooled connections of a
    web process are opened anew after the hour in which the sender gathers new ones."""
    if backend != "sqlite":
        pytest.skip("PostgreSQL plans each statement with its current statistics")
    assert client.get("/").status_code == 200  # a request leaves its connection in the pool
    before = db.engine.pool.connect()
    opened = before.dbapi_connection
    before.close()  # back into the pool, as after a request
    an_hour_later = time.time() + 3601
    monkeypatch.setattr(time, "time", lambda: an_hour_later)
    after = db.engine.pool.connect()
    assert after.dbapi_connection is not opened
    after.close()
