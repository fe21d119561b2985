"""The subscribe forms sit on pages every signed-out reader shares, so they carry no token.

Subscribing needs none (the view says why): the confirmation email is what subscribes. A
form sent from another site, as browsers report it, is refused all the same.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask

from app.extensions import db
from app.subscriptions.models import Subscription
from tests.support import server_like_client


@pytest.fixture
def csrf_app(app: Flask, app_factory, mail_server) -> Flask:
    """The application with CSRF protection on, as in production."""
    return app_factory(WTF_CSRF_ENABLED=True, **mail_server.settings)


def form_on(html: str) -> dict[str, str]:
    """The subscribe form's hidden fields as the page has them, with an address typed in."""
    form = html.split('class="subscribe-form"')[1].split("</form>")[0]
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    return {**fields, "email": "reader@example.org", "frequency": "instant"}


def test_the_front_pages_form_subscribes_without_a_token(csrf_app, send_notices, mail_server):
    reader = server_like_client(csrf_app)
    fields = form_on(reader.get("/").get_data(as_text=True))
    assert "csrf_token" not in fields
    answer = reader.post("/subscribe", data=fields, headers={"Sec-Fetch-Site": "same-origin"})
    assert answer.status_code == 200
    assert "Check your inbox" in answer.get_data(as_text=True)
    send_notices()
    assert len(mail_server.inbox.to("reader@example.org")) == 1
    assert db.session.scalars(db.select(Subscription)).one().confirmed_at is None


def test_a_form_sent_from_another_site_is_refused(csrf_app, send_notices, mail_server):
    reader = server_like_client(csrf_app)
    fields = form_on(reader.get("/").get_data(as_text=True))
    answer = reader.post("/subscribe", data=fields, headers={"Sec-Fetch-Site": "cross-site"})
    assert answer.status_code == 403
    assert db.session.scalars(db.select(Subscription)).all() == []
    send_notices()
    assert mail_server.inbox.mails == []
