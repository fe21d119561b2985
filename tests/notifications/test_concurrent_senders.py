"""Several `flask notify run` processes over one outbox: every notice once, none lost."""

from __future__ import annotations

import re

import pytest

from app.notifications import sender
from app.outbox import DeliveryState
from tests.notifications.sender_processes import (
    SenderProcess,
    add_subscribers,
    message_ids,
    notice_states,
)

pytestmark = pytest.mark.soak

NOTICES = 5_000
# PostgreSQL hands rows out with FOR UPDATE SKIP LOCKED; SQLite lets one writer claim at a time.
SENDERS = {"postgres": 4, "sqlite": 2}


def test_senders_running_at_once_deliver_each_notice_exactly_once(
    backend, app, make_user, make_letter, mail_server
):
    author = make_user("Author")
    add_subscribers(NOTICES, author.id)
    make_letter(author, None, title="To many readers")
    sender.fan_out_pending_events()
    senders = [SenderProcess(app, "--once", "--batch", "50") for _ in range(SENDERS[backend])]
    outputs = [process.finish(timeout=300) for process in senders]
    counts = [int(re.search(r"Sent (\d+) notices", output)[1]) for output in outputs]
    assert sum(counts) == NOTICES, outputs
    assert len([count for count in counts if count]) > 1, counts  # they really shared the work
    received = message_ids(mail_server.inbox.mails)
    assert len(received) == NOTICES
    assert received.most_common(1)[0][1] == 1  # no duplicate
    assert notice_states() == {DeliveryState.SENT: NOTICES}
