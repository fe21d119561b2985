"""The outbox under failure: nothing lost, nothing sent twice."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import update

from app.accounts.models import User
from app.database import utc_now
from app.extensions import db
from app.letters import service as letters
from app.letters.models import Letter, LetterStatus
from app.notifications import receivers
from app.notifications.models import LetterEvent
from app.notifications.sender import (
    claim_due_notices,
    retry_delay,
    run_once,
)
from app.outbox import DeliveryState, Notice
from app.subscriptions.models import Target
from tests.support import all_notices


def make_due_now() -> None:
    db.session.execute(update(Notice).values(next_attempt_at=utc_now()))
    db.session.commit()


def test_mail_server_down_loses_nothing_and_sends_once_when_back(
    app, make_user, make_letter, send_notices, mail_server, subscribe
):
    author = make_user("Author")
    for number in range(5):
        subscribe(f"reader{number}@example.org", Target.AUTHOR, author.id)
    mail_server.stop()
    make_letter(author, None, title="While the server is down")
    assert send_notices() == 0
    notices = all_notices()
    assert len(notices) == 5
    for notice in notices:
        assert notice.state == DeliveryState.PENDING
        assert notice.attempts == 1
        assert "Connection" in notice.last_error or "refused" in notice.last_error
        assert notice.next_attempt_at > utc_now() + timedelta(seconds=20)
    assert send_notices() == 0  # not due yet: retries wait
    mail_server.start()
    make_due_now()
    assert send_notices() == 5
    assert send_notices() == 0
    recipients = sorted(mail.recipients[0] for mail in mail_server.inbox.mails)
    assert recipients == [f"reader{number}@example.org" for number in range(5)]


def test_retry_delay_starts_at_30_seconds_doubles_and_caps_at_an_hour():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert retry_delay(20) == timedelta(hours=1)


def test_permanent_refusal_is_recorded_without_retries(
    app, make_user, make_letter, send_notices, mail_server, subscribe
):
    mail_server.inbox.refuse("gone@example.org")
    subscribe("gone@example.org", Target.SITE)
    subscribe("here@example.org", Target.SITE)
    make_letter(make_user(), None, title="Hello")
    assert send_notices() == 1
    states = {notice.recipient: notice for notice in all_notices()}
    assert states["gone@example.org"].state == DeliveryState.FAILED
    assert "550" in states["gone@example.org"].last_error
    assert states["here@example.org"].state == DeliveryState.SENT


def test_sender_killed_mid_batch_loses_nothing(
    app, make_user, make_letter, send_notices, mail_server, subscribe
):
    for number in range(6):
        subscribe(f"reader{number}@example.org", Target.SITE)
    make_letter(make_user(), None, title="Hello")
    from app.notifications.sender import fan_out_pending_events

    fan_out_pending_events()
    # A sender claims the batch and dies before sending: its lease still holds...
    claimed = claim_due_notices(100, "dead-sender")
    assert len(claimed) == 6
    assert send_notices() == 0
    # ...until it runs out; then another sender picks the rows up.
    db.session.execute(update(Notice).values(claimed_until=utc_now() - timedelta(seconds=1)))
    db.session.commit()
    assert send_notices() == 6
    assert sorted(mail.recipients[0] for mail in mail_server.inbox.mails) == [
        f"reader{number}@example.org" for number in range(6)
    ]


def test_two_senders_at_once_send_no_duplicate(app, make_user, make_letter, mail_server, subscribe):
    for number in range(120):
        subscribe(f"reader{number:03}@example.org", Target.SITE)
    make_letter(make_user(), None, title="Hello")
    totals: list[int] = []
    errors: list[BaseException] = []

    def sender() -> None:
        try:
            with app.app_context():
                totals.append(run_once(batch_size=10))
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 — reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sum(totals) == 120
    recipients = [mail.recipients[0] for mail in mail_server.inbox.mails]
    assert len(recipients) == 120 and len(set(recipients)) == 120


def test_failed_publish_leaves_no_notice(
    app, make_user, make_letter, subscribe, monkeypatch, send_notices, mail_server
):
    author = make_user()
    subscribe("reader@example.org", Target.SITE)
    draft = make_letter(author, None, title="Doomed", publish=False)
    original = receivers.record_letter_published

    def record_then_fail(letter: Letter) -> None:
        original(letter)
        db.session.flush()  # the event row is really written...
        raise RuntimeError("the database went away after the outbox write")

    monkeypatch.setattr(receivers, "record_letter_published", record_then_fail)
    with pytest.raises(RuntimeError):
        letters.save_letter(author, draft_of(draft), publish=True, letter=draft)
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(LetterEvent)) == 0
    assert db.session.get(Letter, draft.id).status == LetterStatus.DRAFT
    monkeypatch.undo()
    assert send_notices() == 0
    assert mail_server.inbox.mails == []


def draft_of(letter: Letter) -> letters.LetterDraft:
    return letters.LetterDraft(
        title=letter.title,
        salutation=letter.salutation,
        body=letter.body,
        closing=letter.closing,
        signature=letter.signature,
        postscript=letter.postscript,
        language=letter.language,
        addressee=None,
        addressee_name=letter.addressee_name,
    )


def test_cli_sends_once_and_exits(app, make_user, make_letter, mail_server, subscribe):
    subscribe("reader@example.org", Target.SITE)
    make_letter(make_user(), None, title="Hello")
    result = app.test_cli_runner().invoke(args=["notify", "run", "--once"])
    assert result.exit_code == 0, result.output
    assert "Sent 1 notices." in result.output
    assert [mail.recipients for mail in mail_server.inbox.mails] == [["reader@example.org"]]


def test_the_long_running_sender_looks_for_digests_once_a_minute(
    app, make_user, make_letter, mail_server, subscribe, monkeypatch
):
    from app.notifications import sender

    checks: list[object] = []
    real_queue = sender.queue_due_digests
    monkeypatch.setattr(
        sender, "queue_due_digests", lambda now: checks.append(now) or real_queue(now)
    )

    class StopSender(Exception):
        pass

    rounds = iter(range(3))

    def next_round(_seconds: float) -> None:
        if next(rounds, None) is None:
            raise StopSender
        # The sender ends its session each round: fetch the author again, then give it work.
        make_letter(db.session.get(User, author_id), None, title="Another letter")

    # Only the sender's own pause between rounds: the database layer sleeps too, when the
    # machine is busy and another writer holds the lock.
    monkeypatch.setattr(sender, "time", SimpleNamespace(sleep=next_round, monotonic=time.monotonic))
    author = make_user()
    author_id = author.id
    subscribe("reader@example.org", Target.SITE)
    make_letter(author, None, title="First letter")
    with pytest.raises(StopSender):
        sender.run_forever(poll_seconds=0)
    assert len(checks) == 1  # four rounds in well under a minute
    assert len(mail_server.inbox.to("reader@example.org")) == 4  # notices every round
