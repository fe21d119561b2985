"""A subscriber, from the manage link of a real email, sees, downloads and deletes their data."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from app.database import utc_now
from app.deliverability import AddressStanding, Bounce, suspend
from app.extensions import db
from app.outbox import Notice
from app.signatures.models import Signature
from app.subscriptions.models import Subscription, Target
from tests.support import SITE_URL, csrf_token_from

READER = "reader@example.org"


@pytest.fixture
def app(app_factory, mail_server):
    return app_factory(WTF_CSRF_ENABLED=True, **mail_server.settings)


@pytest.fixture
def manage_link(make_user, make_letter, subscribe, send_notices, mail_server) -> str:
    """The manage link of a notice the reader got; the reader also signed and bounced once."""
    author = make_user("Sven Ebert", handle="sven")
    subscribe(READER, Target.AUTHOR, author.id)
    letter = make_letter(author, None, title="On listening")
    send_notices()
    db.session.add(Signature(letter_id=letter.id, email=READER, name="Rita Reader",
                             affiliation="Library", confirmed_at=utc_now()))  # fmt: skip
    db.session.add(Bounce(address=READER, hard=False, status="4.2.2", diagnostic="mailbox full",
                          message_key="<bounce-1@example.org>"))  # fmt: skip
    suspend(READER, "mailbox full")
    db.session.commit()
    [mail] = mail_server.inbox.to(READER)
    [link] = set(re.findall(rf"{re.escape(SITE_URL)}(/subscriptions/[\w.\-]+)", mail.text))
    return link


def kept_rows() -> dict[str, int]:
    def count(model, column) -> int:
        return db.session.scalar(
            select(func.count()).select_from(model).where(func.lower(column) == READER)
        )

    db.session.expire_all()
    return {
        "subscriptions": count(Subscription, Subscription.email),
        "signatures": count(Signature, Signature.email),
        "notices": count(Notice, Notice.recipient),
        "bounces": count(Bounce, Bounce.address),
        "standing": count(AddressStanding, AddressStanding.address),
    }


def test_manage_page_links_what_is_kept(client, manage_link):
    page = client.get(manage_link).get_data(as_text=True)
    assert f'href="{manage_link}/data"' in page


def test_subscriber_sees_everything_kept(client, manage_link):
    response = client.get(f"{manage_link}/data")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert READER in page
    assert "author" in page and "On listening: Rita Reader (Library)" in page
    assert "subscription, sent" in page and "4.2.2 mailbox full" in page
    assert "suspended since" in page


def test_subscriber_downloads_it_as_json(client, manage_link):
    response = client.get(f"{manage_link}/data.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    kept = json.loads(response.data)
    assert kept["email"] == READER
    assert [s["target"] for s in kept["subscriptions"]] == ["author"]
    assert [(s["title"], s["name"]) for s in kept["signatures"]] == [
        ("On listening", "Rita Reader")
    ]
    assert [(n["kind"], n["state"]) for n in kept["notices"]] == [("subscription", "sent")]
    assert kept["notices"][0]["sent_at"]
    assert [b["status"] for b in kept["bounces"]] == ["4.2.2"]
    assert kept["standing"]["reason"] == "mailbox full"


def test_deleting_asks_first_and_then_removes_it_all(client, manage_link):
    assert kept_rows() == {
        "subscriptions": 1,
        "signatures": 1,
        "notices": 1,
        "bounces": 1,
        "standing": 1,
    }
    question = client.get(f"{manage_link}/forget")
    assert question.status_code == 200
    assert kept_rows()["subscriptions"] == 1  # asking deletes nothing
    assert client.post(f"{manage_link}/forget").status_code == 400  # no CSRF token
    token = csrf_token_from(question.get_data(as_text=True))
    response = client.post(f"{manage_link}/forget", data={"csrf_token": token})
    assert response.status_code == 302
    assert kept_rows() == {
        "subscriptions": 0,
        "signatures": 0,
        "notices": 0,
        "bounces": 0,
        "standing": 0,
    }
    kept = json.loads(client.get(f"{manage_link}/data.json").data)
    assert kept == {"email": READER, "subscriptions": [], "signatures": [], "notices": [],
                    "bounces": [], "standing": None}  # fmt: skip
    assert "Rita Reader" not in client.get(f"{manage_link}/data").get_data(as_text=True)


def test_another_address_is_untouched(client, manage_link, subscribe):
    subscribe("other@example.org", Target.SITE)
    page = client.get(f"{manage_link}/forget")
    client.post(
        f"{manage_link}/forget", data={"csrf_token": csrf_token_from(page.get_data(as_text=True))}
    )
    assert db.session.scalars(select(Subscription.email)).all() == ["other@example.org"]


def test_a_forged_token_shows_nothing(client, manage_link):
    assert client.get("/subscriptions/not-a-token/data").status_code == 404
    assert client.get("/subscriptions/not-a-token/data.json").status_code == 404
    token = csrf_token_from(client.get(f"{manage_link}/forget").get_data(as_text=True))
    forged = client.post("/subscriptions/not-a-token/forget", data={"csrf_token": token})
    assert forged.status_code == 404
    assert kept_rows()["subscriptions"] == 1


def test_privacy_page_says_how_to_take_data_out_and_delete_it(client):
    page = client.get("/privacy").get_data(as_text=True)
    assert "download everything of theirs from their settings page" in page
    assert "downloads it and deletes it" in page
