"""`kill -9` of a real sender, again and again, in the middle of a large batch."""

from __future__ import annotations

import random
import time
from bisect import bisect_right
from collections import Counter
from email.parser import BytesHeaderParser

import pytest

from app.notifications.sender import OutcomeLog
from app.outbox import DeliveryState
from tests.mailserver import ReceivedMail
from tests.notifications.sender_processes import (
    SenderProcess,
    add_subscribers,
    message_ids,
    notice_states,
    wait_until,
)

pytestmark = pytest.mark.soak

NOTICES = 2_000
KILLS = 50
# What a killed sender may have sent without writing it down: the outcomes it keeps in
# memory before writing them as a group (README, "Running it for real").
DUPLICATE_WINDOW = OutcomeLog.FLUSH_EVERY


@pytest.fixture
def app(app_factory, mail_server):
    # A claim that outlives its killed sender for a second, not five minutes.
    return app_factory(**mail_server.settings, SENDER_LEASE_SECONDS=1)


def kill_at_a_random_moment(app, mails: list[ReceivedMail], chance: random.Random) -> str:
    """Start a sender, kill it while it fans out, claims, renders or sends; say when."""
    process = SenderProcess(app, "--poll", "0.1", "--batch", "50")
    assert process.started.wait(120), "".join(process.output)
    if chance.random() < 0.3:
        moment = f"{chance.uniform(0, 0.1):.3f} s after start"
        time.sleep(float(moment.split()[0]))
    else:
        before, wanted = len(mails), chance.randint(1, 40)
        wait_until(lambda: len(mails) >= before + wanted, timeout=10, step=0.001)
        time.sleep(chance.uniform(0, 0.005))
        moment = f"after {len(mails) - before} mails"
    process.kill()
    return moment


def settled_count(mails: list[ReceivedMail]) -> int:
    """How many mails the server took, once it has read what a killed sender had sent."""
    count = -1
    while count != len(mails):
        count = len(mails)
        time.sleep(0.3)
    return count


def duplicates_by_kill(mails: list[ReceivedMail], ends: list[int]) -> list[int]:
    """Each copy after the first of a message, counted against the life of the copy before.

    A sender killed before it wrote down what it had sent leaves those notices to be sent
    again; if the next sender is killed before it writes them down too, that is its share.
    """
    parser = BytesHeaderParser()
    copies: dict[str, list[int]] = {}
    for position, mail in enumerate(mails):
        copies.setdefault(str(parser.parsebytes(mail.raw)["Message-ID"]), []).append(position)
    counts = [0] * (len(ends) + 1)
    for positions in copies.values():
        for earlier in positions[:-1]:
            counts[bisect_right(ends, earlier)] += 1
    return counts


def test_a_sender_killed_50_times_mid_batch_loses_nothing_and_repeats_little(
    app, make_user, make_letter, mail_server
):
    started = time.monotonic()
    author = make_user("Author")
    add_subscribers(NOTICES, author.id)
    make_letter(author, None, title="Hard times")  # fanned out by the first sender
    mails = mail_server.inbox.mails
    chance = random.Random(11)
    moments, ends = [], []
    for _ in range(KILLS):
        moments.append(kill_at_a_random_moment(app, mails, chance))
        ends.append(settled_count(mails))
    last = SenderProcess(app, "--poll", "0.1", "--batch", "50")
    try:
        assert wait_until(lambda: notice_states().total() == NOTICES and set(
            notice_states()) <= {DeliveryState.SENT, DeliveryState.FAILED}, timeout=300), (
            notice_states())  # fmt: skip
    finally:
        last.kill()
    duplicates = duplicates_by_kill(mails, ends)
    kinds = Counter("after a pause" if "start" in moment else "mid-send" for moment in moments)
    print(f"\n{KILLS} kills in {time.monotonic() - started:.0f} s ({dict(kinds)}); mails "
          f"taken before the last kill: {ends[-1]} of {NOTICES}")  # fmt: skip
    print(f"duplicates: {sum(duplicates)} in all, at most {max(duplicates)} per kill, "
          f"per kill: {duplicates}")  # fmt: skip
    assert ends[-1] < NOTICES  # every kill fell in the middle of the batch
    assert notice_states() == {DeliveryState.SENT: NOTICES}
    assert len(message_ids(mails)) == NOTICES  # every notice arrived
    assert max(duplicates) <= DUPLICATE_WINDOW
    assert duplicates[-1] == 0  # the sender that was not killed repeats nothing
