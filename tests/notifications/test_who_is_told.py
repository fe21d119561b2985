"""Each row of the "who is told what" table, received over SMTP as a mail client sees it."""

from __future__ import annotations

import re

from app.extensions import db
from app.notifications.models import LetterEvent
from app.outbox import Notice
from app.subscriptions.models import Target
from tests.support import all_notices, sign_in


def test_addressee_gets_letter_to_them_with_all_parts(
    app, client, make_user, make_letter, send_notices, mail_server
):
    sven = make_user("Sven Albrecht")
    svenja = make_user("Svenja Köhler", email="svenja@example.org")
    letter = make_letter(sven, svenja, title="Warum Briefe", body="Ein *erster* Gedanke.")
    assert send_notices() == 1
    (mail,) = mail_server.inbox.mails
    message = mail.message
    assert mail.recipients == ["svenja@example.org"]
    assert message["Subject"] == "Sven Albrecht wrote you an open letter: Warum Briefe"
    assert message["From"].addresses[0].display_name == "Sven Albrecht via Briefwechsel"
    assert message["From"].addresses[0].addr_spec == "briefwechsel@example.org"
    assert "Dear Svenja," in mail.text and "Ein erster Gedanke." in mail.text
    assert f"https://briefe.example.org/letters/{letter.slug}" in mail.text
    assert f'href="https://briefe.example.org/letters/{letter.slug}"' in mail.html
    assert re.fullmatch(
        r"<https://briefe\.example\.org/unsubscribe/[\w.-]+>", message["List-Unsubscribe"]
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Id"] == "Briefwechsel <notices.example.org>"
    assert re.fullmatch(
        rf"<letter-{letter.id}\.[0-9a-f]{{16}}@example\.org>", message["Message-ID"]
    )
    assert "/subscriptions/" in mail.text  # manage link


def test_reply_tells_parent_author_thread_writers_and_subscribers_once(
    app, client, make_user, make_letter, send_notices, mail_server, subscribe
):
    anna = make_user("Anna", email="anna@example.org")
    bert = make_user("Bert", email="bert@example.org")
    cleo = make_user("Cleo", email="cleo@example.org")
    root = make_letter(anna, bert, title="Root")
    first = make_letter(bert, anna, parent=root, title="Bert answers")
    make_letter(cleo, bert, parent=first, title="Cleo joins")
    subscribe("reader@example.org", Target.THREAD, root.id)
    subscribe("bert@example.org", Target.THREAD, root.id)  # also a rule for Bert: still one
    send_notices()
    mail_server.inbox.mails.clear()

    reply = make_letter(anna, bert, parent=first, title="Anna again")
    send_notices()
    by_recipient = {mail.recipients[0]: mail for mail in mail_server.inbox.mails}
    assert sorted(by_recipient) == ["bert@example.org", "cleo@example.org", "reader@example.org"]
    assert len(mail_server.inbox.mails) == 3  # one email each; never the author herself
    assert by_recipient["bert@example.org"].message["Subject"] == (
        "Anna wrote you an open letter: Anna again"
    )
    assert by_recipient["cleo@example.org"].message["Subject"] == (
        "New letter in a correspondence you wrote in: Anna again"
    )
    assert by_recipient["reader@example.org"].message["Subject"] == (
        "New letter from Anna: Anna again"
    )
    threading = by_recipient["reader@example.org"].message
    assert threading["In-Reply-To"] == message_id_for(first.id, "reader@example.org", app)
    assert threading["References"].split() == [
        message_id_for(root.id, "reader@example.org", app),
        message_id_for(first.id, "reader@example.org", app),
    ]
    assert threading["Message-ID"] == message_id_for(reply.id, "reader@example.org", app)


def message_id_for(letter_id, recipient, app):
    from app.notifications import compose

    return compose.message_id_for(letter_id, compose.recipient_hash(recipient))


def test_reply_to_outside_addressee_tells_parent_author(
    app, make_user, make_letter, send_notices, mail_server
):
    anna, bert = make_user("Anna", email="anna@example.org"), make_user("Bert")
    root = make_letter(anna, None, addressee_name="The Board", title="To the board")
    send_notices()
    assert mail_server.inbox.mails == []  # nobody to tell yet
    make_letter(bert, None, addressee_name="The Board", parent=root, title="Me too")
    send_notices()
    (mail,) = mail_server.inbox.mails
    assert mail.recipients == ["anna@example.org"]
    assert mail.message["Subject"] == "Bert answered your letter: Me too"


def test_subscribers_of_author_and_site_get_one_email_each(
    app, make_user, make_letter, send_notices, mail_server, subscribe
):
    sven = make_user("Sven", email="sven@example.org")
    svenja = make_user("Svenja", email="svenja@example.org")
    subscribe("fan@example.org", Target.AUTHOR, sven.id)
    subscribe("fan@example.org", Target.SITE)
    subscribe("everything@example.org", Target.SITE)
    subscribe("svenja@example.org", Target.AUTHOR, sven.id)  # the addressee, subscribed too
    subscribe("sven@example.org", Target.SITE)  # the author, subscribed to everything
    subscribe("other-author@example.org", Target.AUTHOR, svenja.id)
    make_letter(sven, svenja, title="Hello")
    send_notices()
    recipients = sorted(mail.recipients[0] for mail in mail_server.inbox.mails)
    assert recipients == ["everything@example.org", "fan@example.org", "svenja@example.org"]


def test_unconfirmed_subscriptions_get_nothing(
    app, make_user, make_letter, send_notices, mail_server
):
    from app.subscriptions.models import Subscription

    db.session.add(Subscription(email="pending@example.org", target=Target.SITE, target_id=0))
    db.session.commit()
    make_letter(make_user(), None, title="Hello")
    send_notices()
    assert mail_server.inbox.mails == []


def test_colleague_settings_turn_notices_off(
    app, client, make_user, make_letter, send_notices, mail_server
):
    sven, svenja = make_user("Sven"), make_user("Svenja", email="svenja@example.org")
    sign_in(client, svenja)
    response = client.post(
        "/settings/notifications", data={"replies_to_my_letters": "y", "threads_i_wrote_in": "y"}
    )
    assert response.status_code == 302
    make_letter(sven, svenja, title="You will not hear of this")
    send_notices()
    assert mail_server.inbox.mails == []
    page = client.get("/settings/notifications").get_data(as_text=True)
    assert 'id="letters_to_me" name="letters_to_me" type="checkbox" value="y">' in page


def test_publishing_writes_one_event_and_no_email_in_the_request(
    app, client, make_user, subscribe, mail_server
):
    author = make_user()
    for number in range(50):
        subscribe(f"reader{number}@example.org", Target.AUTHOR, author.id)
    sign_in(client, author)
    response = client.post(
        "/letters/new",
        data={
            "addressee": "",
            "addressee_name": "Everyone",
            "language": "en",
            "title": "News",
            "body": "Text",
            "signature": "A",
            "publish": "1",
        },
    )
    assert response.status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(LetterEvent)) == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(Notice)) == 0
    assert mail_server.inbox.mails == []


def test_notice_is_in_the_recipients_language(
    app, make_user, make_letter, send_notices, mail_server, subscribe
):
    sven = make_user("Sven Albrecht")
    svenja = make_user("Svenja Köhler", email="svenja@example.org", locale="de")
    subscribe("leserin@example.org", Target.SITE, locale="de")
    make_letter(sven, svenja, title="Über das Zuhören", language="de")
    send_notices()
    mails = {mail.recipients[0]: mail for mail in mail_server.inbox.mails}
    letter_mail = mails["svenja@example.org"]
    assert letter_mail.message["Subject"] == (
        "Sven Albrecht hat dir einen offenen Brief geschrieben: Über das Zuhören"
    )
    assert "Der Brief auf Briefwechsel:" in letter_mail.text
    assert "Mit einem Klick abbestellen" in letter_mail.html
    assert mails["leserin@example.org"].message["Subject"] == (
        "Neuer Brief von Sven Albrecht: Über das Zuhören"
    )


def test_each_copy_is_personal(app, make_user, make_letter, send_notices, mail_server, subscribe):
    from app.subscriptions.tokens import read_unsubscribe_token

    author = make_user("Sven")
    first = subscribe("first@example.org", Target.AUTHOR, author.id)
    second = subscribe("second@example.org", Target.AUTHOR, author.id)
    make_letter(author, None, title="Shared")
    send_notices()
    mails = {mail.recipients[0]: mail.message for mail in mail_server.inbox.mails}
    for address, subscription in (("first@example.org", first), ("second@example.org", second)):
        message = mails[address]
        assert message["To"] == address
        token = message["List-Unsubscribe"].strip("<>").rsplit("/", 1)[1]
        assert read_unsubscribe_token(token) == {"e": address, "s": subscription.id}
        assert token in message.get_body(("plain",)).get_content()
    assert mails["first@example.org"]["Message-ID"] != mails["second@example.org"]["Message-ID"]
    assert "personal" not in str(mail_server.inbox.mails[0].raw).lower()


def test_copy_matches_a_notice_rendered_for_that_recipient_alone(
    app, make_user, make_letter, subscribe, monkeypatch
):
    from email import message_from_bytes, policy

    from itsdangerous import TimestampSigner

    from app.notifications.compose import (
        LetterCache,
        letter_notice,
        letter_notice_bytes,
        personal_values,
    )
    from app.notifications.sender import fan_out_pending_events

    author = make_user("Jürgen Groß")
    root = make_letter(author, None, title="Anfang", language="de")
    subscribe("leser@example.org", Target.THREAD, root.id, locale="de")
    anna = make_user("Anna")
    reply = make_letter(anna, author, parent=root, title="Antwort „mit“ Ümlauten")
    anna.display_name = "Anna Renamed"  # after publishing: both renderings keep "Anna"
    db.session.commit()
    fan_out_pending_events()
    # Links are signed with the current second: both renderings sign in the same one.
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda _signer: 1_800_000_000)
    notice = next(
        n for n in all_notices() if n.recipient == "leser@example.org" and n.letter_id == reply.id
    )
    cache = LetterCache()
    cache.load({notice.letter_id})
    copied = message_from_bytes(letter_notice_bytes(notice, cache)[0], policy=policy.default)
    alone = message_from_bytes(
        letter_notice(
            cache.letters[notice.letter_id],
            notice.kind,
            notice.locale,
            personal_values(notice),
            cache,
        ).as_bytes(),
        policy=policy.default,
    )
    for header in (
        "To",
        "From",
        "Subject",
        "Message-ID",
        "In-Reply-To",
        "References",
        "List-Unsubscribe",
        "List-Unsubscribe-Post",
        "List-Id",
    ):
        assert copied[header] == alone[header], header
    assert copied["Subject"] == "Neuer Brief von Anna: Antwort „mit“ Ümlauten"
    assert copied["In-Reply-To"] is not None
    for kind in ("plain", "html"):
        assert copied.get_body((kind,)).get_content() == alone.get_body((kind,)).get_content()


def test_subscribers_of_a_tag_are_told_of_a_tagged_letter(
    app, client, make_user, send_notices, mail_server, subscribe
):
    from app.links.models import Tag

    author = make_user("Sven")
    sign_in(client, author)
    form = {
        "addressee": "",
        "addressee_name": "All",
        "language": "en",
        "title": "Tagged",
        "body": "Text",
        "signature": "S",
        "publish": "1",
    }
    client.post("/letters/new", data={**form, "tags": "Leadership"})
    send_notices()
    tag = db.session.scalars(db.select(Tag)).one()
    subscribe("tag-reader@example.org", Target.TAG, tag.id)
    client.post(
        "/letters/new", data={**form, "title": "Tagged again", "tags": "Culture, Leadership"}
    )
    client.post("/letters/new", data={**form, "title": "Untagged"})
    send_notices()
    subjects = [mail.message["Subject"] for mail in mail_server.inbox.to("tag-reader@example.org")]
    assert subjects == ["New letter from Sven: Tagged again"]
