"""Subscribers are told what they follow: when subscribing, confirming and unsubscribing."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.links.models import Tag
from app.links.service import set_tags
from app.outbox import Notice
from app.subscriptions.models import Frequency, Subscription, Target
from app.subscriptions.tokens import manage_token, unsubscribe_token
from tests.subscriptions.test_subscriptions import subscribe_form


def tag_of_a_published_letter(make_user, make_letter, name: str) -> int:
    letter = make_letter(make_user("Anna"), None, title="Tagged")
    set_tags(letter, [name])
    db.session.commit()
    return db.session.scalars(db.select(Tag.id).where(Tag.name == name)).one()


def test_subscribing_says_what_and_leads_back_to_the_page(client, make_user, make_letter):
    tag_id = tag_of_a_published_letter(make_user, make_letter, "Design")
    page = client.get("/tags/design").get_data(as_text=True)
    assert 'name="next" value="/tags/design"' in page
    form = subscribe_form("reader@example.org", target="tag", target_id=str(tag_id))
    answer = client.post("/subscribe", data={**form, "next": "/tags/design"})
    html = answer.get_data(as_text=True)
    assert "You asked to receive new letters tagged “Design”." in html
    assert '<a href="/tags/design">Back to where you were</a>' in html
    hostile = client.post("/subscribe", data={**form, "next": "//evil.example/"})
    assert '<a href="/tags/design">Back to where you were</a>' in hostile.get_data(as_text=True)


def test_the_confirmation_subject_names_what_is_followed(
    client, make_user, make_letter, send_notices, mail_server
):
    tag_id = tag_of_a_published_letter(make_user, make_letter, "Führung")
    form = subscribe_form("leser@example.org", target="tag", target_id=str(tag_id))
    client.post("/subscribe", data=form, headers={"Accept-Language": "de"})
    send_notices()
    (mail,) = [m for m in mail_server.inbox.mails if m.recipients == ["leser@example.org"]]
    assert (
        mail.message["Subject"]
        == "Bitte bestätige dein Abonnement: neue Briefe mit dem Schlagwort „Führung“"
    )


@pytest.mark.parametrize(
    "payload_kind,named",
    [
        ("author", "new letters by Sven"),
        ("digest", "your daily and weekly digests"),
        ("colleague", "emails when a letter is written to you"),
    ],
)
def test_the_unsubscribe_page_names_what_it_ends(client, make_user, subscribe, payload_kind, named):
    sven = make_user("Sven")
    reader = make_user("Svenja", email="svenja@example.org")
    if payload_kind == "author":
        subscription = subscribe("reader@example.org", Target.AUTHOR, sven.id)
        notice = Notice(recipient="reader@example.org", kind="subscription",
                        subscription_id=subscription.id)  # fmt: skip
    elif payload_kind == "digest":
        subscribe("reader@example.org", Target.SITE, frequency=Frequency.DAILY)
        notice = Notice(recipient="reader@example.org", kind="digest")
    else:
        notice = Notice(recipient=reader.email, kind="letter_to_you", user_id=reader.id)
    path = f"/unsubscribe/{unsubscribe_token(notice)}"
    assert named in client.get(path).get_data(as_text=True)
    done = client.post(path).get_data(as_text=True)
    assert f"You will no longer receive {named}." in done


def test_a_subscriber_chooses_language_and_timezone_on_the_manage_page(
    client, make_user, make_letter, subscribe, send_notices, mail_server
):
    author = make_user("Sven")
    subscribe("reader@example.org", Target.AUTHOR, author.id, locale="en", timezone="UTC")
    subscribe("reader@example.org", Target.SITE, frequency=Frequency.WEEKLY, locale="en")
    path = f"/subscriptions/{manage_token('reader@example.org')}"
    page = client.get(path).get_data(as_text=True)
    assert 'name="locale"' in page and 'name="timezone"' in page
    response = client.post(
        path, data={"action": "settings", "locale": "de", "timezone": "Asia/Tokyo"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    chosen = {(s.locale, s.timezone) for s in db.session.scalars(db.select(Subscription))}
    assert chosen == {("de", "Asia/Tokyo")}
    make_letter(author, None, title="Auf Deutsch bitte")
    send_notices()
    (notice,) = [m for m in mail_server.inbox.mails if m.recipients == ["reader@example.org"]]
    assert notice.message["Subject"].startswith("Neuer Brief von Sven")
    bad = client.post(path, data={"action": "settings", "locale": "xx", "timezone": "Mars"})
    assert bad.status_code == 400
