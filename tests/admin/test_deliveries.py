"""The deliveries page shows admins the notices that failed for good, and retries them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import update

from app.database import utc_now
from app.extensions import db
from app.outbox import DeliveryState, Notice
from app.subscriptions.models import Target
from tests.support import all_notices, sign_in


@pytest.fixture
def app(app_factory: Callable[..., Flask], mail_server: Any) -> Flask:
    return app_factory(**mail_server.settings)


def test_notice_older_than_two_days_fails_for_good_and_admins_see_it(
    app, client, make_user, make_letter, send_notices, mail_server, subscribe
):
    admin = make_user("Admin", is_admin=True)
    subscribe("reader@example.org", Target.SITE)
    make_letter(admin, None, title="Old news")
    mail_server.stop()
    send_notices()
    db.session.execute(
        update(Notice).values(created_at=utc_now() - timedelta(days=3), next_attempt_at=utc_now())
    )
    db.session.commit()
    send_notices()
    (notice,) = all_notices()
    assert notice.state == DeliveryState.FAILED and notice.attempts == 2
    assert client.get("/admin/deliveries").status_code in (302, 401, 404)
    sign_in(client, admin)
    page = client.get("/admin/deliveries").get_data(as_text=True)
    assert "reader@example.org" in page and "Failed for good" in page
    mail_server.start()
    client.post(f"/admin/deliveries/{notice.id}/retry")
    assert send_notices() == 1
