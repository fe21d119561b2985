"""The sender against a real SMTP server that misbehaves: busy, refusing, silent; bad rows."""

from __future__ import annotations

import gc
import time
import warnings
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import event, update

from app import create_app
from app.database import utc_now
from app.extensions import db
from app.notifications import sender
from app.outbox import DeliveryState, Notice, NoticeKind
from app.subscriptions.models import Target
from tests.support import all_notices, sign_in

READERS = [f"reader{number}@example.org" for number in range(4)]
BUSY_REPLIES = [
    pytest.param("MAIL", "421 4.3.2 Service shutting down, closing channel", id="421-at-mail"),
    pytest.param("RCPT", "421 4.3.2 Too many connections, closing channel", id="421-at-rcpt"),
    pytest.param("RCPT", "451 4.3.0 Greylisted, try again later", id="451-at-rcpt"),
    pytest.param("DATA", "451 4.3.0 Local error in processing", id="451-at-data"),
]


def make_due_now() -> None:
    db.session.execute(update(Notice).values(next_attempt_at=utc_now()))
    db.session.commit()


def received_per_recipient(mail_server: Any) -> Counter[str]:
    return Counter(address for mail in mail_server.inbox.mails for address in mail.recipients)


@pytest.mark.parametrize(("stage", "reply"), BUSY_REPLIES)
def test_a_busy_server_is_retried_and_each_notice_delivered_once(
    app, make_user, make_letter, mail_server, subscribe, send_notices, stage, reply
):
    author = make_user("Author")
    for address in READERS:
        subscribe(address, Target.AUTHOR, author.id)
    make_letter(author, None, title="Patience")
    mail_server.inbox.trouble[stage] = reply
    for attempt in (1, 2):
        assert send_notices() == 0
        notices = all_notices()
        assert [notice.state for notice in notices] == [DeliveryState.PENDING] * len(READERS)
        assert all(notice.attempts == attempt for notice in notices)
        assert all(reply[:3] in notice.last_error for notice in notices)
        make_due_now()
    mail_server.inbox.trouble.clear()
    assert send_notices() == len(READERS)
    make_due_now()
    assert send_notices() == 0
    assert received_per_recipient(mail_server) == Counter(READERS)
    assert {notice.state for notice in all_notices()} == {DeliveryState.SENT}


def test_a_421_for_one_recipient_leaves_the_others_delivered_in_the_same_run(
    app, make_user, make_letter, mail_server, subscribe, send_notices
):
    author = make_user("Author")
    for address in READERS:
        subscribe(address, Target.AUTHOR, author.id)
    make_letter(author, None, title="One at a time")
    mail_server.inbox.defer(READERS[0], "421 4.7.0 Too many messages, closing channel")
    assert send_notices() == len(READERS) - 1
    (waiting,) = [notice for notice in all_notices() if notice.state == DeliveryState.PENDING]
    assert waiting.recipient == READERS[0] and "421" in waiting.last_error
    del mail_server.inbox.busy[READERS[0]]
    make_due_now()
    assert send_notices() == 1
    assert received_per_recipient(mail_server) == Counter(READERS)


def test_a_refused_recipient_fails_for_good_and_admins_see_it_while_the_rest_arrive(
    app, client, make_user, make_letter, mail_server, subscribe, send_notices
):
    admin = make_user("Admin", is_admin=True)
    gone = "gone@example.org"
    mail_server.inbox.refuse(gone)
    for address in [*READERS[:2], gone, *READERS[2:]]:
        subscribe(address, Target.SITE)
    make_letter(admin, None, title="To everyone")
    assert send_notices() == len(READERS)
    make_due_now()
    assert send_notices() == 0  # the refusal is not tried again
    assert received_per_recipient(mail_server) == Counter(READERS)
    failed = [notice for notice in all_notices() if notice.state == DeliveryState.FAILED]
    assert [notice.recipient for notice in failed] == [gone]
    assert "550" in failed[0].last_error and failed[0].attempts == 1
    sign_in(client, admin)
    page = client.get("/admin/deliveries").get_data(as_text=True)
    failures = page.split("Failed for good", 1)[1].split("Waiting for another try", 1)[0]
    assert gone in failures and "550" in failures and "No such mailbox" in failures
    assert not any(address in failures for address in READERS)


def test_a_server_that_stops_answering_mid_batch_times_out_and_the_rest_follow_later(
    app_factory, mail_server, make_user, make_letter, subscribe
):
    app = app_factory(**mail_server.settings, SMTP_TIMEOUT_SECONDS=0.5)
    with app.app_context():
        author = make_user("Author")
        for address in READERS:
            subscribe(address, Target.AUTHOR, author.id)
        make_letter(author, None, title="Half way")
        mail_server.inbox.silent_after = 2
        started = time.monotonic()
        assert sender.run_once() == 2
        assert time.monotonic() - started < 2.5  # one wait of 0.5 s, then the run ends
        states = Counter(notice.state for notice in all_notices())
        assert states == {DeliveryState.SENT: 2, DeliveryState.PENDING: 2}
        waiting = [n for n in all_notices() if n.state == DeliveryState.PENDING]
        assert all("no answer within 0.5 s" in notice.last_error for notice in waiting)
        mail_server.inbox.silent_after = None
        make_due_now()
        assert sender.run_once() == 2
        assert received_per_recipient(mail_server) == Counter(READERS)


def test_the_mail_server_timeout_is_30_seconds_unless_set(monkeypatch):
    monkeypatch.delenv("SMTP_TIMEOUT_SECONDS", raising=False)
    assert create_app({"SECRET_KEY": "x"}).config["SMTP_TIMEOUT_SECONDS"] == 30
    monkeypatch.setenv("SMTP_TIMEOUT_SECONDS", "7.5")
    assert create_app({"SECRET_KEY": "x"}).config["SMTP_TIMEOUT_SECONDS"] == 7.5


@pytest.mark.parametrize(
    "poison",
    [
        pytest.param({"recipient": "=?utf-8?q?evil?= <evil@example.org>"}, id="encoded-address"),
        pytest.param({"letter_ids": "1,not-a-number"}, id="garbled-digest"),
    ],
)
def test_a_notice_that_cannot_be_rendered_fails_with_its_error_and_the_queue_goes_on(
    app, make_user, make_letter, mail_server, subscribe, send_notices, poison
):
    author = make_user("Author")
    for address in READERS:
        subscribe(address, Target.AUTHOR, author.id)
    letter = make_letter(author, None, title="Told to all")
    fields = {"recipient": "digest@example.org", "kind": NoticeKind.DIGEST}
    fields["letter_ids"] = str(letter.id)
    db.session.add(Notice(**{**fields, **poison}, priority=0))  # claimed ahead of the others
    db.session.commit()
    assert send_notices() == len(READERS)
    poisoned = next(notice for notice in all_notices() if notice.priority == 0)
    assert poisoned.state == DeliveryState.FAILED and poisoned.attempts == 1
    assert "Error" in poisoned.last_error
    make_due_now()
    assert send_notices() == 0  # not tried again: it would fail the same way
    assert received_per_recipient(mail_server) == Counter(READERS)


def test_claiming_a_batch_reads_due_notices_in_index_order_without_sorting_them_all(backend, app):
    if backend != "sqlite":
        pytest.skip("reads SQLite's query plan; PostgreSQL plans small tables differently")
    plans: list[str] = []

    def explain(connection, cursor, statement, parameters, *_):
        if statement.startswith("SELECT notifications.id"):
            rows = cursor.connection.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            plans.append(" / ".join(row[3] for row in rows))

    event.listen(db.engine, "before_cursor_execute", explain)
    try:
        sender.claim_due_notices(500, "plan-reader")
    finally:
        event.remove(db.engine, "before_cursor_execute", explain)
    # A sort of every due notice at each claim made a batch of 100,000 cost seconds per claim.
    assert plans and all("ix_notifications_due" in plan for plan in plans), plans
    # The pending notices, the many, come in the index's order; the few whose sender died
    # (state "sending") may be sorted.
    assert "TEMP B-TREE" not in plans[-1], plans


def test_a_server_without_starttls_leaves_the_notices_waiting_and_no_connection_open(
    app, make_user, make_letter, subscribe, send_notices
):
    # A sender runs for weeks: a socket left open at every failed STARTTLS or login adds up.
    app.config["MAIL_USE_TLS"] = True  # the test server offers no STARTTLS
    author = make_user("Author")
    subscribe(READERS[0], Target.AUTHOR, author.id)
    make_letter(author, None, title="Over a plain line")
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always", ResourceWarning)
        assert send_notices() == 0
        gc.collect()
    assert [notice.state for notice in all_notices()] == [DeliveryState.PENDING]
    assert "STARTTLS" in all_notices()[0].last_error
    assert [str(w.message) for w in seen if w.category is ResourceWarning] == []
