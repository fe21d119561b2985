"""Daily and weekly digests: one email per address listing every letter since the last."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.extensions import db
from app.notifications.digests import latest_send_time, queue_due_digests
from app.notifications.sender import run_once
from app.subscriptions.models import Frequency, Target


def test_daily_digest_lists_all_new_letters_in_one_email(
    app, make_user, make_letter, subscribe, mail_server
):
    sven, priya = make_user("Sven"), make_user("Priya")
    yesterday = datetime.now(UTC) - timedelta(days=2)
    subscribe(
        "digest@example.org",
        Target.AUTHOR,
        sven.id,
        frequency=Frequency.DAILY,
        confirmed_at=yesterday,
    )
    subscribe("digest@example.org", Target.SITE, frequency=Frequency.DAILY, confirmed_at=yesterday)
    subscribe("instant@example.org", Target.SITE)
    for title, author in (("One", sven), ("Two", priya), ("Three", sven)):
        make_letter(author, None, title=title)
    run_once()
    db.session.expire_all()
    digests = mail_server.inbox.to("digest@example.org")
    assert len(digests) == 1  # two subscriptions, one email
    text = digests[0].text
    assert "3 new letters since your last digest" in text
    assert text.index("One") < text.index("Two") < text.index("Three")
    assert digests[0].message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert len(mail_server.inbox.to("instant@example.org")) == 3
    run_once()
    assert len(mail_server.inbox.to("digest@example.org")) == 1  # nothing new: no second


def test_digest_waits_for_the_configured_hour_in_the_subscribers_timezone(app, subscribe):
    app.config["DIGEST_HOUR"] = 7
    at = datetime(2026, 11, 25, 5, 30, tzinfo=UTC)  # 06:30 in Berlin, 14:30 in Tokyo
    assert latest_send_time(Frequency.DAILY, "Europe/Berlin", at) == datetime(
        2026, 11, 24, 6, 0, tzinfo=UTC
    )
    assert latest_send_time(Frequency.DAILY, "Asia/Tokyo", at) == datetime(
        2026, 11, 24, 22, 0, tzinfo=UTC
    )
    # Weekly digests go out on Mondays: 25 November 2026 is a Wednesday.
    assert latest_send_time(Frequency.WEEKLY, "Europe/Berlin", at) == datetime(
        2026, 11, 23, 6, 0, tzinfo=UTC
    )


def test_weekly_digest_is_not_sent_before_its_day(
    app, make_user, make_letter, subscribe, mail_server
):
    author = make_user()
    monday_morning = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    subscribe(
        "weekly@example.org", Target.SITE, frequency=Frequency.WEEKLY, confirmed_at=monday_morning
    )
    make_letter(author, None, title="Midweek letter")
    wednesday = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    assert queue_due_digests(wednesday) == 0
    next_monday = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
    letter_time = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    from app.letters.models import Letter

    db.session.execute(db.update(Letter).values(published_at=letter_time))
    db.session.commit()
    assert queue_due_digests(next_monday) == 1
