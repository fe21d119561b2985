"""/metrics shows the outbox by state and what the senders did, read from the database."""

from __future__ import annotations

import pytest
from flask import Flask

from app.database import utc_now
from app.subscriptions.models import Target
from tests.ops.test_health_and_metrics import metric, scrape
from tests.support import deliver_outbox


@pytest.fixture
def app(app_factory, mail_server) -> Flask:
    return app_factory(**mail_server.settings)


def test_metrics_show_the_outbox_by_state_and_what_the_senders_did(
    app, mail_server, make_user, make_letter, subscribe
):
    server = mail_server
    server.inbox.refuse("gone@example.org")
    server.inbox.defer("busy@example.org")
    for reader in ("here@example.org", "gone@example.org", "busy@example.org"):
        subscribe(reader, Target.SITE)
    make_letter(make_user(), None, title="Counted")
    waiting = scrape(app)
    assert metric(waiting, "briefwechsel_outbox", state="event") == 1  # not fanned out yet
    assert metric(waiting, "briefwechsel_sender_last_round_timestamp_seconds") == 0

    assert deliver_outbox() == 1
    after = scrape(app)
    assert metric(after, "briefwechsel_outbox", state="event") == 0
    assert metric(after, "briefwechsel_outbox", state="sent") == 1
    assert metric(after, "briefwechsel_outbox", state="failed") == 1  # 550: refused for good
    assert metric(after, "briefwechsel_outbox", state="pending") == 1  # 451: tried again later
    assert metric(after, "briefwechsel_outbox", state="sending") == 0
    assert metric(after, "briefwechsel_notices_sent_total") == 1
    assert metric(after, "briefwechsel_delivery_failures_total") == 2
    last_round = metric(after, "briefwechsel_sender_last_round_timestamp_seconds")
    assert abs(last_round - utc_now().timestamp()) < 60
