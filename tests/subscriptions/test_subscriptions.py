"""Double opt-in, rate limits, manage page and one-click unsubscribe, over real SMTP."""

from __future__ import annotations

import re

from app.extensions import db
from app.subscriptions.models import Frequency, Subscription, Target
from tests.support import sign_in


def link_in(text: str, path: str) -> str:
    match = re.search(rf"https://briefe\.example\.org({path}[\w./-]+)", text)
    assert match, f"no {path} link in:\n{text}"
    return match.group(1)


def subscribe_form(email: str, **fields: str) -> dict[str, str]:
    return {"email": email, "frequency": "instant", "target": "site", "target_id": "0", **fields}


def test_double_opt_in_sends_only_the_confirmation_until_confirmed(
    app, client, make_user, make_letter, send_notices, mail_server
):
    author = make_user("Sven")
    response = client.post(
        "/subscribe",
        data=subscribe_form("Reader@Example.org", target="author", target_id=str(author.id)),
    )
    assert response.status_code == 200
    assert "Check your inbox" in response.get_data(as_text=True)
    make_letter(author, None, title="Before confirming")
    send_notices()
    (confirmation,) = mail_server.inbox.mails
    assert confirmation.recipients == ["reader@example.org"]
    assert (
        confirmation.message["Subject"] == "Please confirm your subscription to new letters by Sven"
    )
    assert "new letters by Sven" in confirmation.text
    assert confirmation.message["List-Unsubscribe"] is None  # transactional mail
    confirm_path = link_in(confirmation.text, "/subscribe/confirm/")
    page = client.get(confirm_path)  # a mail scanner following the link confirms nothing
    assert page.status_code == 200
    assert db.session.scalars(db.select(Subscription)).one().confirmed_at is None
    assert client.post(confirm_path).status_code == 200
    assert db.session.scalars(db.select(Subscription)).one().confirmed_at is not None
    make_letter(author, None, title="After confirming")
    send_notices()
    assert [mail.message["Subject"] for mail in mail_server.inbox.mails[1:]] == [
        "New letter from Sven: After confirming"
    ]


def test_at_most_three_confirmations_per_address_per_day(app, client, send_notices, mail_server):
    for _ in range(5):
        response = client.post("/subscribe", data=subscribe_form("victim@example.org"))
        assert response.status_code == 200
    send_notices()
    assert len(mail_server.inbox.to("victim@example.org")) == 3


def test_same_answer_whether_or_not_already_subscribed(
    app, client, subscribe, send_notices, mail_server
):
    subscribe("known@example.org", Target.SITE)
    known = client.post("/subscribe", data=subscribe_form("known@example.org"))
    new = client.post("/subscribe", data=subscribe_form("new@example.org"))
    assert known.status_code == new.status_code == 200
    strip = lambda html: html.replace("known@example.org", "X").replace("new@example.org", "X")  # noqa: E731
    assert strip(known.get_data(as_text=True)) == strip(new.get_data(as_text=True))
    send_notices()
    assert mail_server.inbox.to("known@example.org") == []  # nothing new to confirm


def test_subscribe_is_rate_limited_per_ip(app_factory, mail_server):
    app = app_factory(
        RATELIMIT_ENABLED=True, SUBSCRIBE_LIMIT_PER_IP="3 per hour", **mail_server.settings
    )
    client = app.test_client()
    for number in range(3):
        assert (
            client.post("/subscribe", data=subscribe_form(f"a{number}@example.org")).status_code
            == 200
        )
    response = client.post("/subscribe", data=subscribe_form("a4@example.org"))
    assert response.status_code == 429
    other_ip = client.post(
        "/subscribe",
        data=subscribe_form("a5@example.org"),
        environ_base={"REMOTE_ADDR": "10.9.9.9"},
    )
    assert other_ip.status_code == 200


def test_bad_addresses_and_header_injection_are_refused(app, client, send_notices, mail_server):
    for address in [
        "not-an-address",
        "a@example.org\r\nBcc: victim@example.org",
        "a@example.org\nBcc: victim@example.org",
        "",
        "x" * 300 + "@example.org",
    ]:
        response = client.post("/subscribe", data=subscribe_form(address))
        assert response.status_code == 422
        assert 'class="field-error"' in response.get_data(as_text=True)
    assert (
        client.post("/subscribe", data=subscribe_form("a@example.org", target="galaxy")).status_code
        == 422
    )
    assert (
        client.post(
            "/subscribe", data=subscribe_form("a@example.org", target="author", target_id="999")
        ).status_code
        == 404
    )
    send_notices()
    assert mail_server.inbox.mails == []


def test_one_click_unsubscribe_post_needs_no_cookie_and_is_idempotent(
    app_factory, mail_server, make_user, make_letter, subscribe, send_notices
):
    app = app_factory(WTF_CSRF_ENABLED=True, **mail_server.settings)
    author = make_user("Sven")
    subscribe("reader@example.org", Target.AUTHOR, author.id)
    subscribe("reader@example.org", Target.SITE, frequency=Frequency.WEEKLY)
    make_letter(author, None, title="Hello")
    send_notices()
    (mail,) = mail_server.inbox.mails
    url = mail.message["List-Unsubscribe"].strip("<>")
    path = url.removeprefix("https://briefe.example.org")
    client = app.test_client()
    assert client.get(path).status_code == 200  # GET shows a button, changes nothing
    assert db.session.scalar(db.select(db.func.count()).select_from(Subscription)) == 2
    fresh = app.test_client()  # no cookie, no CSRF token: the mail client's POST
    response = fresh.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "You are unsubscribed" in response.get_data(as_text=True)
    remaining = db.session.scalars(db.select(Subscription)).all()
    assert [(s.target, s.frequency) for s in remaining] == [(Target.SITE, Frequency.WEEKLY)]
    assert app.test_client().post(path).status_code == 200  # again: still fine
    assert app.test_client().post("/unsubscribe/forged-token").status_code == 404


def test_one_click_for_a_colleague_notice_turns_that_notice_off(
    app, client, make_user, make_letter, send_notices, mail_server
):
    sven, svenja = make_user("Sven"), make_user("Svenja", email="svenja@example.org")
    make_letter(sven, svenja, title="First")
    send_notices()
    url = mail_server.inbox.mails[0].message["List-Unsubscribe"].strip("<>")
    client.post(url.removeprefix("https://briefe.example.org"))
    make_letter(sven, svenja, title="Second")
    send_notices()
    assert len(mail_server.inbox.mails) == 1


def test_manage_page_changes_frequency_removes_one_and_all(
    app, client, make_user, make_letter, subscribe, send_notices, mail_server
):
    author = make_user("Sven")
    subscribe("reader@example.org", Target.AUTHOR, author.id)
    root = make_letter(author, None, title="Thread start")
    subscribe("reader@example.org", Target.THREAD, root.id)
    send_notices()
    manage = link_in(mail_server.inbox.mails[0].text, "/subscriptions/")
    page = client.get(manage).get_data(as_text=True)
    assert "new letters by Sven" in page and "new letters in “Thread start”" in page
    author_sub, thread_sub = db.session.scalars(db.select(Subscription).order_by(Subscription.id))
    client.post(
        manage, data={"action": "frequency", "subscription_id": author_sub.id, "frequency": "daily"}
    )
    db.session.expire_all()
    assert db.session.get(Subscription, author_sub.id).frequency == Frequency.DAILY
    client.post(manage, data={"action": "remove", "subscription_id": thread_sub.id})
    assert db.session.get(Subscription, thread_sub.id) is None
    client.post(manage, data={"action": "remove_all"})
    assert db.session.scalars(db.select(Subscription)).all() == []
    assert client.get("/subscriptions/not-a-token").status_code == 404


def test_manage_page_cannot_touch_another_address(app, client, subscribe):
    mine = subscribe("me@example.org", Target.SITE)
    theirs = subscribe("them@example.org", Target.SITE)
    from app.subscriptions.tokens import manage_token

    path = f"/subscriptions/{manage_token('me@example.org')}"
    assert (
        client.post(path, data={"action": "remove", "subscription_id": theirs.id}).status_code
        == 404
    )
    assert db.session.get(Subscription, theirs.id) is not None
    assert db.session.get(Subscription, mine.id) is not None


def test_forms_on_front_and_thread_pages(app, client, make_user, make_letter):
    root = make_letter(make_user(), None, title="Root")
    front = client.get("/").get_data(as_text=True)
    assert 'action="/subscribe"' in front and 'name="target" value="site"' in front
    thread = client.get(f"/threads/{root.slug}").get_data(as_text=True)
    assert f'name="target_id" value="{root.id}"' in thread


def test_digest_time_follows_a_signed_in_colleagues_timezone(app, client, make_user):
    sign_in(client, make_user(timezone="Asia/Tokyo"))
    client.post("/subscribe", data=subscribe_form("me@example.org", frequency="daily"))
    client.post("/auth/logout")
    client.post("/subscribe", data=subscribe_form("reader@example.org", frequency="daily"))
    zones = {s.email: s.timezone for s in db.session.scalars(db.select(Subscription))}
    assert zones == {"me@example.org": "Asia/Tokyo", "reader@example.org": "Europe/Berlin"}


def test_a_confirmation_link_opened_again_says_it_is_confirmed_already(
    app, client, make_user, send_notices, mail_server
):
    author = make_user("Sven")
    client.post("/subscribe", data=subscribe_form("reader@example.org", target="author",
                                                  target_id=str(author.id)))  # fmt: skip
    send_notices()
    confirm_path = link_in(mail_server.inbox.mails[0].text, "/subscribe/confirm/")
    assert "Yes, subscribe" in client.get(confirm_path).get_data(as_text=True)
    client.post(confirm_path)
    confirmed_at = db.session.scalars(db.select(Subscription)).one().confirmed_at
    again = client.get(confirm_path)
    page = again.get_data(as_text=True)
    assert again.status_code == 200
    assert "Yes, subscribe" not in page
    assert "This subscription is confirmed already: you receive new letters by Sven." in page
    german = client.get(confirm_path, headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "Dieses Abonnement ist schon bestätigt" in german
    db.session.expire_all()
    assert db.session.scalars(db.select(Subscription)).one().confirmed_at == confirmed_at
