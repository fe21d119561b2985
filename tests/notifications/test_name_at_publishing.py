"""Notices name the author as they were called when they published, not as renamed later."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from app.extensions import db
from app.notifications.models import LetterEvent
from app.subscriptions.models import Frequency, Target


def rename(user, name: str) -> None:
    user.display_name = name
    db.session.commit()


def test_a_rename_after_publishing_does_not_change_the_notice(
    app, make_user, make_letter, subscribe, send_notices, mail_server
):
    sven = make_user("Sven Albrecht")
    svenja = make_user("Svenja", email="svenja@example.org")
    subscribe("reader@example.org", Target.SITE)
    make_letter(sven, svenja, title="Warum Briefe")
    rename(sven, "The Board")
    send_notices()
    to_svenja = mail_server.inbox.to("svenja@example.org")[0]
    to_reader = mail_server.inbox.to("reader@example.org")[0]
    assert to_svenja.message["Subject"] == "Sven Albrecht wrote you an open letter: Warum Briefe"
    assert to_reader.message["Subject"] == "New letter from Sven Albrecht: Warum Briefe"
    for mail in (to_svenja, to_reader):
        assert mail.message["From"].addresses[0].display_name == "Sven Albrecht via Briefwechsel"
        assert "by Sven Albrecht to Svenja" in mail.text
        assert "by Sven Albrecht to Svenja" in mail.html
        assert "The Board" not in mail.text and "The Board" not in mail.html
    assert "Sven Albrecht wrote you an open letter." in to_svenja.text
    assert "Sven Albrecht published a new letter." in to_reader.text


def test_each_letter_of_one_batch_keeps_its_own_name(
    app, make_user, make_letter, subscribe, send_notices, mail_server
):
    author = make_user("Ann Old")
    subscribe("reader@example.org", Target.SITE)
    make_letter(author, None, title="First")
    rename(author, "Ann New")
    make_letter(author, None, title="Second")
    send_notices()
    subjects = sorted(str(mail.message["Subject"]) for mail in mail_server.inbox.mails)
    assert subjects == ["New letter from Ann New: Second", "New letter from Ann Old: First"]


def test_the_event_records_the_name_at_publishing(app, make_user, make_letter):
    author = make_user("Ann Old")
    letter = make_letter(author, None, title="First")
    rename(author, "Ann New")
    event = db.session.scalars(db.select(LetterEvent)).one()
    assert (event.letter_id, event.author_name) == (letter.id, "Ann Old")


def test_an_event_recorded_without_a_name_uses_the_current_one(
    app, make_user, make_letter, subscribe, send_notices, mail_server
):
    author = make_user("Ann Old")
    subscribe("reader@example.org", Target.SITE)
    make_letter(author, None, title="First")
    db.session.execute(update(LetterEvent).values(author_name=None))  # as before the migration
    db.session.commit()
    rename(author, "Ann New")
    send_notices()
    (mail,) = mail_server.inbox.mails
    assert mail.message["Subject"] == "New letter from Ann New: First"
    assert mail.message["From"].addresses[0].display_name == "Ann New via Briefwechsel"


def test_a_digest_lists_each_letter_under_the_name_it_was_published_with(
    app, make_user, make_letter, subscribe, send_notices, mail_server
):
    author = make_user("Ann Old")
    three_days_ago = datetime.now(UTC) - timedelta(days=3)
    subscribe("digest@example.org", frequency=Frequency.DAILY, confirmed_at=three_days_ago)
    make_letter(author, None, title="First")
    rename(author, "Ann New")
    send_notices()
    (digest,) = mail_server.inbox.to("digest@example.org")
    assert "by Ann Old to Someone Outside" in digest.text
    assert "by Ann Old to Someone Outside" in digest.html
    assert "Ann New" not in digest.text
