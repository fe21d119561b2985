"""Subscribing to what readers cannot see answers 404 and names nothing: no page, no email.

Otherwise ids could be walked (`target=tag&target_id=1, 2, 3 …`) and the confirmation would
name the tags and titles of unpublished letters.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.letters.models import Language
from app.letters.service import LetterDraft, save_letter, set_hidden, withdraw_letter
from app.links.models import Tag
from app.subscriptions.models import Frequency, Subscription, Target
from app.subscriptions.service import request_subscription
from app.subscriptions.tokens import manage_token
from tests.subscriptions.test_subscriptions import link_in, subscribe_form

SECRET = "Secret plans"


def letter(author, title: str = SECRET, publish: bool = True, parent=None, tags=()):
    draft = LetterDraft(
        title=title, salutation="", body="Text.", closing="Best", signature="Anna",
        postscript="", language=Language.EN, addressee=None, addressee_name="Readers",
        tags=list(tags),
    )  # fmt: skip
    written = save_letter(author, draft, publish, in_reply_to=parent)
    db.session.commit()
    return written


def tag_id(name: str) -> int:
    return db.session.scalars(select(Tag.id).where(Tag.name == name)).one()


def assert_not_followable(client, target: str, target_id: int) -> None:
    """Neither the form nor the request answers, and nothing is recorded or sent."""
    page = client.get("/subscribe", query_string={"target": target, "target_id": target_id})
    assert page.status_code == 404
    fields = subscribe_form("reader@example.org", target=target, target_id=str(target_id))
    response = client.post("/subscribe", data=fields)
    assert response.status_code == 404
    for text in (page.get_data(as_text=True), response.get_data(as_text=True)):
        assert SECRET not in text
    assert db.session.scalars(select(Subscription)).first() is None


def test_subscribing_to_the_tag_of_a_draft_is_not_found(
    client, make_user, send_notices, mail_server
):
    letter(make_user("Anna"), title="Untitled", publish=False, tags=[SECRET])
    assert_not_followable(client, "tag", tag_id(SECRET))
    send_notices()
    assert mail_server.inbox.mails == []


@pytest.mark.parametrize("status", ["withdrawn", "hidden"])
def test_subscribing_to_a_tag_whose_letters_are_gone_is_not_found(client, make_user, status):
    published = letter(make_user("Anna"), title="Untitled", tags=[SECRET])
    withdraw_letter(published) if status == "withdrawn" else set_hidden(published, True)
    assert_not_followable(client, "tag", tag_id(SECRET))


def test_subscribing_to_the_thread_of_a_draft_is_not_found(client, make_user):
    draft = letter(make_user("Anna"), publish=False)
    assert_not_followable(client, "thread", draft.id)


@pytest.mark.parametrize("status", ["withdrawn", "hidden"])
def test_subscribing_to_a_lone_letter_that_is_gone_is_not_found(client, make_user, status):
    root = letter(make_user("Anna"))
    withdraw_letter(root) if status == "withdrawn" else set_hidden(root, True)
    assert_not_followable(client, "thread", root.id)


def test_subscribing_to_a_reply_instead_of_its_thread_is_not_found(client, make_user):
    anna = make_user("Anna")
    reply = letter(anna, title="Answer", parent=letter(anna, title="Opening"))
    assert_not_followable(client, "thread", reply.id)


@pytest.mark.parametrize("target_id", [0, 999, -1, 2**31, 2**63])
def test_subscribing_to_an_author_who_does_not_exist_is_not_found(client, target_id):
    page = client.get("/subscribe", query_string={"target": "author", "target_id": target_id})
    assert page.status_code == 404
    fields = subscribe_form("reader@example.org", target="author", target_id=str(target_id))
    assert client.post("/subscribe", data=fields).status_code in (404, 422)
    assert db.session.scalars(select(Subscription)).first() is None


def test_a_colleague_without_letters_can_be_followed(client, make_user):
    bert = make_user("Bert")
    assert client.get(f"/subscribe?target=author&target_id={bert.id}").status_code == 200
    fields = subscribe_form("reader@example.org", target="author", target_id=str(bert.id))
    assert "Check your inbox" in client.post("/subscribe", data=fields).get_data(as_text=True)


@pytest.mark.parametrize("status", ["withdrawn", "hidden"])
def test_a_thread_whose_first_letter_is_gone_is_followed_without_its_title(
    client, make_user, send_notices, mail_server, status
):
    anna = make_user("Anna")
    root = letter(anna)
    letter(anna, title="An answer", parent=root)
    withdraw_letter(root) if status == "withdrawn" else set_hidden(root, True)
    fields = subscribe_form("reader@example.org", target="thread", target_id=str(root.id))
    assert client.post("/subscribe", data=fields).status_code == 200
    send_notices()
    (confirmation,) = mail_server.inbox.mails
    assert "new letters in a correspondence" in confirmation.text
    assert SECRET not in confirmation.text
    page = client.get(link_in(confirmation.text, "/subscribe/confirm/"))
    assert page.status_code == 200
    assert SECRET not in page.get_data(as_text=True)


def test_confirming_after_the_tag_is_gone_confirms_nothing(
    client, make_user, send_notices, mail_server
):
    published = letter(make_user("Anna"), title="Untitled", tags=[SECRET])
    fields = subscribe_form("reader@example.org", target="tag", target_id=str(tag_id(SECRET)))
    client.post("/subscribe", data=fields)
    send_notices()
    (confirmation,) = mail_server.inbox.mails
    assert f"new letters tagged “{SECRET}”" in confirmation.text
    withdraw_letter(published)
    confirm_path = link_in(confirmation.text, "/subscribe/confirm/")
    for response in (client.get(confirm_path), client.post(confirm_path)):
        assert response.status_code == 410
        assert SECRET not in response.get_data(as_text=True)
    assert db.session.scalars(select(Subscription)).one().confirmed_at is None


def test_the_manage_page_lists_a_subscription_that_is_gone_without_its_name(client, make_user):
    published = letter(make_user("Anna"), title="Untitled", tags=[SECRET])
    request_subscription("reader@example.org", Target.TAG, tag_id(SECRET), Frequency.INSTANT, "en")
    withdraw_letter(published)
    html = client.get(f"/subscriptions/{manage_token('reader@example.org')}").get_data(as_text=True)
    assert SECRET not in html
    assert "something that is no longer available" in html
