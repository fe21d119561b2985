"""Admins approve the first answer from a new site on /admin, reject one, or block a site."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.webmentions.models import MentionStatus, ReceivedWebmention
from tests.support import deliver_outbox, sign_in
from tests.webmentions.sources import entry_page, letter_address, post_webmention


@pytest.fixture
def letter(make_user, make_letter):
    return make_letter(make_user("Svenja Köhler"), title="On listening")


def mentions() -> list[ReceivedWebmention]:
    return list(db.session.scalars(select(ReceivedWebmention).order_by(ReceivedWebmention.id)))


def answer_from(elsewhere, client, letter, path: str, title: str, host: str = "127.0.0.1") -> None:
    """The other site (under the host name given) answers the letter and sends a webmention."""
    target = letter_address(letter.slug)
    elsewhere.put(path, entry_page(target, title=title))
    post_webmention(client, elsewhere.url(path, host=host), target)


def page_of(client, letter) -> str:
    return client.get(f"/letters/{letter.slug}").get_data(as_text=True)


def test_the_first_answer_from_a_site_waits_on_admin(client, admin_client, letter, elsewhere):
    answer_from(elsewhere, client, letter, "/answer", "My answer")
    deliver_outbox()

    dashboard = admin_client.get("/admin").get_data(as_text=True)

    assert "Answers from other sites awaiting approval" in dashboard
    assert "My answer" in dashboard and "Block 127.0.0.1" in dashboard
    assert "My answer" not in page_of(client, letter)
    assert "My answer" not in client.get(f"/threads/{letter.slug}").get_data(as_text=True)


def test_approving_shows_the_answer_and_later_ones_at_once(client, admin_client, letter,
                                                           elsewhere):  # fmt: skip
    answer_from(elsewhere, client, letter, "/one", "First answer")
    answer_from(elsewhere, client, letter, "/two", "Second answer")
    deliver_outbox()
    page_of(client, letter)  # kept by the page cache
    first = mentions()[0]

    response = admin_client.post(f"/admin/webmentions/{first.id}/approve")

    assert response.status_code == 302 and response.headers["Location"] == "/admin"
    page = page_of(client, letter)  # made anew: the approval changed it
    assert "Answer from 127.0.0.1" in page and "First answer" in page and "Second answer" in page
    thread = client.get(f"/threads/{letter.slug}").get_data(as_text=True)
    assert "First answer" in thread and "Answer from 127.0.0.1" in thread
    assert "First answer" not in admin_client.get("/admin").get_data(as_text=True)
    answer_from(elsewhere, client, letter, "/three", "Third answer")
    deliver_outbox()
    assert "Third answer" in page_of(client, letter)


def test_a_rejected_answer_stays_off_the_letter(client, admin_client, letter, elsewhere):
    answer_from(elsewhere, client, letter, "/one", "Spam answer")
    deliver_outbox()

    admin_client.post(f"/admin/webmentions/{mentions()[0].id}/reject")

    assert mentions()[0].status == MentionStatus.REJECTED
    assert "Spam answer" not in page_of(client, letter)
    assert "Spam answer" not in admin_client.get("/admin").get_data(as_text=True)


def test_blocking_a_site_hides_what_it_sent_and_drops_what_it_sends(client, admin_client, letter,
                                                                    elsewhere):  # fmt: skip
    answer_from(elsewhere, client, letter, "/one", "Nice answer")
    deliver_outbox()
    admin_client.post(f"/admin/webmentions/{mentions()[0].id}/approve")
    answer_from(elsewhere, client, letter, "/two", "Later answer", host="localhost")
    deliver_outbox()
    assert "Nice answer" in page_of(client, letter)

    admin_client.post(f"/admin/webmentions/{mentions()[0].id}/block")

    assert "Nice answer" not in page_of(client, letter)
    assert "Later answer" in admin_client.get("/admin").get_data(as_text=True)  # another site
    answer_from(elsewhere, client, letter, "/three", "Blocked answer")
    assert [m.title for m in mentions()] == ["Nice answer", "Later answer"]  # nothing queued


def test_only_admins_decide(client, make_user, letter, elsewhere):
    answer_from(elsewhere, client, letter, "/one", "An answer")
    deliver_outbox()
    colleague = client
    sign_in(colleague, make_user())
    for action in ("approve", "reject", "block"):
        assert colleague.post(f"/admin/webmentions/{mentions()[0].id}/{action}").status_code == 404
    assert mentions()[0].status == MentionStatus.WAITING


def test_deciding_about_an_answer_that_is_gone_is_404(admin_client):
    for action in ("approve", "reject", "block"):
        assert admin_client.post(f"/admin/webmentions/12345/{action}").status_code == 404
