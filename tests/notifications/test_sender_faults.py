"""The sender against letters that left and mail servers that stall; the lock it leaves free."""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from app.database import utc_now
from app.discovery import suggestions
from app.discovery.models import LetterSuggestion, NeighbourRefresh
from app.extensions import db
from app.letters.models import LetterStatus
from app.notifications import outgoing, sender
from app.outbox import DeliveryState, Notice, NoticeKind
from app.subscriptions.models import Frequency, Target
from tests.support import all_notices, server_like_client


@pytest.mark.parametrize("leaves", [LetterStatus.WITHDRAWN, LetterStatus.HIDDEN])
def test_notice_of_a_letter_that_left_before_sending_is_dropped_not_sent(
    app, make_user, make_letter, mail_server, subscribe, send_notices, leaves
):
    author = make_user("Author")
    subscribe("reader@example.org", Target.AUTHOR, author.id)
    letter = make_letter(author, None, title="Second thoughts")
    sender.fan_out_pending_events()
    letter.status = leaves
    db.session.commit()
    assert send_notices() == 0
    assert mail_server.inbox.mails == []
    (notice,) = all_notices()
    assert notice.state == DeliveryState.DROPPED
    assert notice.attempts == 0 and "no longer published" in notice.last_error
    make_due_now()
    assert send_notices() == 0  # dropped for good, not retried


def test_notice_to_a_subscriber_who_unsubscribed_before_sending_is_dropped_not_failed(
    app, make_user, make_letter, mail_server, subscribe, send_notices
):
    # Found under load (bench/load): the notice of a subscription removed between the
    # fan-out and the sending failed to render (KeyError) and stood among the failures.
    author = make_user("Author")
    subscribe("leaving@example.org", Target.AUTHOR, author.id)
    subscribe("staying@example.org", Target.AUTHOR, author.id)
    make_letter(author, None, title="First thoughts")
    assert send_notices() == 2
    (earlier,) = mail_server.inbox.to("leaving@example.org")
    one_click = earlier.message["List-Unsubscribe"].split(",")[0].strip("<> ")
    make_letter(author, None, title="Second thoughts")
    sender.fan_out_pending_events()
    db.session.commit()
    path = one_click.removeprefix("https://briefe.example.org")
    assert (
        server_like_client(app).post(path, data={"List-Unsubscribe": "One-Click"}).status_code
        == 200
    )
    assert send_notices() == 1
    assert [mail.recipients for mail in mail_server.inbox.mails[2:]] == [["staying@example.org"]]
    last = {notice.recipient: notice for notice in all_notices()[2:]}
    assert last["leaving@example.org"].state == DeliveryState.DROPPED
    assert "unsubscribed" in last["leaving@example.org"].last_error
    make_due_now()
    assert send_notices() == 0


def test_digest_lists_only_letters_still_published(
    app, make_user, make_letter, mail_server, subscribe, send_notices
):
    author = make_user("Author")
    kept = make_letter(author, None, title="Still here")
    gone = make_letter(author, None, title="Taken back")
    withdrawn_only = make_letter(author, None, title="Also taken back")
    send_notices()
    digest(kept.id, gone.id)
    digest(withdrawn_only.id, recipient="other@example.org")
    gone.status = withdrawn_only.status = LetterStatus.WITHDRAWN
    db.session.commit()
    assert send_notices() == 1
    (mail,) = mail_server.inbox.mails
    assert mail.recipients == ["reader@example.org"]
    assert "Still here" in mail.text and "Taken back" not in mail.text + mail.html
    states = {notice.recipient: notice.state for notice in all_notices()}
    assert states["other@example.org"] == DeliveryState.DROPPED


def digest(*letter_ids: int, recipient: str = "reader@example.org") -> None:
    db.session.add(
        Notice(recipient=recipient, kind=NoticeKind.DIGEST, locale="en",
                     letter_ids=",".join(map(str, letter_ids)), priority=20)
    )  # fmt: skip
    db.session.commit()


def make_due_now() -> None:
    db.session.execute(update(Notice).values(next_attempt_at=utc_now()))
    db.session.commit()


class StallingServer:
    """Greets like an SMTP server, then never answers again: the hostile tester's server."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections: list[socket.socket] = []
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            connection.sendall(b"220 stall.example ESMTP\r\n")
            self.connections.append(connection)  # read nothing, answer nothing

    def close(self) -> None:
        self.listener.close()
        for connection in self.connections:
            connection.close()


@pytest.fixture
def stalling_server() -> Iterator[StallingServer]:
    server = StallingServer()
    yield server
    server.close()


def test_a_stalling_server_is_tried_once_per_run(
    app_factory, make_user, make_letter, stalling_server, subscribe
):
    app = app_factory(MAIL_SERVER="127.0.0.1", MAIL_PORT=stalling_server.port,
                      SMTP_TIMEOUT_SECONDS=0.5)  # fmt: skip
    with app.app_context():
        author = make_user("Author")
        for number in range(3):
            subscribe(f"reader{number}@example.org", Target.AUTHOR, author.id)
        make_letter(author, None, title="Into the void")
        started = time.monotonic()
        assert sender.run_once() == 0
        assert time.monotonic() - started < 3  # one stall of 0.5 s, not one per notice
        assert len(stalling_server.connections) == 1
        notices = all_notices()
        assert [notice.state for notice in notices] == [DeliveryState.PENDING] * 3
        assert all(notice.attempts == 1 for notice in notices)
        assert all("no answer within" in notice.last_error for notice in notices)


def test_a_run_takes_only_the_notices_due_when_it_started(
    app, make_user, make_letter, mail_server, subscribe, monkeypatch
):
    author = make_user("Author")
    subscribe("busy@example.org", Target.AUTHOR, author.id)
    make_letter(author, None, title="Try me later")
    mail_server.inbox.defer("busy@example.org")
    # Retried at once: without the run's start as the limit, this run would never end.
    monkeypatch.setattr(sender, "retry_delay", lambda attempts: timedelta(0))
    assert sender.run_once() == 0
    (notice,) = all_notices()
    assert notice.attempts == 1 and notice.state == DeliveryState.PENDING
    assert "451" in notice.last_error


def another_writer_gets_the_lock(database: str) -> bool:
    """Whether a connection of its own can take SQLite's write lock at once."""
    with sqlite3.connect(database, timeout=0, isolation_level=None) as other:
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            return True
        except sqlite3.OperationalError:
            return False


def test_rendering_a_batch_leaves_the_write_lock_free(
    backend, app, make_user, make_letter, mail_server, subscribe, monkeypatch
):
    if backend != "sqlite":
        pytest.skip("SQLite's write lock")
    author = make_user("Author")
    subscribe("reader@example.org", Target.SITE, 0, Frequency.INSTANT)
    make_letter(author, None, title="Rendered at leisure")
    sender.fan_out_pending_events()
    database = db.engine.url.database
    other_writer_got_the_lock: list[bool] = []
    render = outgoing.render_notice

    def render_while_someone_writes(notice, cache):
        other_writer_got_the_lock.append(another_writer_gets_the_lock(database))
        return render(notice, cache)

    monkeypatch.setattr(outgoing, "render_notice", render_while_someone_writes)
    assert sender.run_once() == 1
    assert other_writer_got_the_lock == [True]


def test_working_out_more_letters_leaves_the_write_lock_free(
    backend, app, make_user, make_letter, mail_server, monkeypatch
):
    # Found under load (bench/load): ranking a new letter's ten neighbours took the sender
    # seconds on a busy machine, all of it holding SQLite's write lock, and a colleague's
    # answer waited past its 5 s and got a 503.
    if backend != "sqlite":
        pytest.skip("SQLite's write lock")
    author, other = make_user("Author"), make_user("Other")
    for number in range(4):
        make_letter(author, other, title=f"On slow meetings {number}", body="Slow meetings.")
    database = db.engine.url.database
    other_writer_got_the_lock: list[bool] = []
    rank = suggestions.best_candidates

    def rank_while_someone_writes(letter, count):
        other_writer_got_the_lock.append(another_writer_gets_the_lock(database))
        return rank(letter, count)

    monkeypatch.setattr(suggestions, "best_candidates", rank_while_someone_writes)
    assert sender.refresh_queued_neighbours() == 4
    assert other_writer_got_the_lock and all(other_writer_got_the_lock)
    shown = db.session.scalars(select(LetterSuggestion.letter_id).distinct()).all()
    assert len(shown) == 4  # and the results were stored: each letter shows the others
    assert db.session.scalar(select(func.count()).select_from(NeighbourRefresh)) == 0


def test_notices_go_out_before_more_letters_are_worked_out_and_these_wait_their_turn(
    app, make_user, make_letter, mail_server, subscribe, monkeypatch
):
    # Found under load on PostgreSQL (bench/load): ranking neighbours came first in every
    # round and took longer than letters took to arrive, so no notice went out for minutes.
    author = make_user("Author")
    subscribe("reader@example.org", Target.AUTHOR, author.id)
    make_letter(author, None, title="On waiting")
    monkeypatch.setattr(sender, "NEIGHBOUR_SECONDS_PER_ROUND", 0.0)  # no time left for them
    assert sender.run_once() == 1
    assert [mail.recipients for mail in mail_server.inbox.mails] == [["reader@example.org"]]
    assert db.session.scalar(select(func.count()).select_from(NeighbourRefresh)) == 1
    assert sender.refresh_queued_neighbours() == 1  # the next round's turn
