"""What the site knows of its mail is deleted after DELIVERY_RETENTION_DAYS, by the sender."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from app.database import utc_now
from app.deliverability import Bounce, BounceReport, record_bounce
from app.extensions import db
from app.inbound.models import InboundReply, ReplyOutcome
from app.outbox import DeliveryState, Notice
from app.signatures.models import Signature
from app.subscriptions.models import Subscription, Target
from tests.support import all_notices


def age_notices(days: float) -> None:
    db.session.execute(update(Notice).values(created_at=utc_now() - timedelta(days=days)))
    db.session.commit()


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_the_sender_forgets_finished_notices_after_the_retention_time(
    app, make_user, make_letter, subscribe, mail_server, runner
):
    app.config.update(mail_server.settings)
    author = make_user("Sven")
    subscribe("reader@example.org", Target.SITE)
    subscribe("gone@example.org", Target.SITE)
    mail_server.inbox.refuse("gone@example.org")
    long_ago = make_letter(author, None, title="Long ago")
    assert runner.invoke(args=["notify", "run", "--once"]).exit_code == 0
    age_notices(31)
    lately = make_letter(author, None, title="Lately")
    result = runner.invoke(args=["notify", "run", "--once"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    kept = {(notice.letter_id, notice.recipient, notice.state) for notice in all_notices()}
    assert kept == {
        (lately.id, "reader@example.org", DeliveryState.SENT),
        (lately.id, "gone@example.org", DeliveryState.FAILED),
    }
    assert long_ago.id not in {letter_id for letter_id, _, _ in kept}


def test_notices_still_on_their_way_are_kept_however_old(
    app, make_user, make_letter, subscribe, runner
):
    author = make_user("Sven")
    subscribe("later@example.org", Target.SITE)
    make_letter(author, None, title="Waiting")
    app.config["MAIL_SERVER"] = "127.0.0.1"
    app.config["MAIL_PORT"] = 9  # nothing listens: every notice waits for another try
    runner.invoke(args=["notify", "run", "--once"])
    age_notices(40)
    runner.invoke(args=["notify", "run", "--once"])
    db.session.expire_all()
    states = {notice.state for notice in all_notices()}
    assert states and states <= {DeliveryState.PENDING, DeliveryState.SENDING}


def test_the_retention_time_is_a_setting(
    app_factory, make_user, make_letter, subscribe, mail_server
):
    app = app_factory(DELIVERY_RETENTION_DAYS=7, **mail_server.settings)
    subscribe("reader@example.org", Target.SITE)
    make_letter(make_user("Sven"), None)
    runner = app.test_cli_runner()
    runner.invoke(args=["notify", "run", "--once"])
    age_notices(6)
    runner.invoke(args=["notify", "run", "--once"])
    assert len(all_notices()) == 1
    age_notices(8)
    runner.invoke(args=["notify", "run", "--once"])
    assert all_notices() == []


def test_bounces_and_replies_by_email_are_forgotten_too(app, make_user, make_letter, runner):
    letter = make_letter(make_user("Sven"), None)
    record_bounce("gone@example.org", None, BounceReport(hard=False, status="4.2.2"), "<a@x>")
    record_bounce("fresh@example.org", None, BounceReport(hard=False, status="4.2.2"), "<b@x>")
    db.session.add(
        InboundReply(
            message_key="<r@x>", sender="reader@example.org", letter_id=letter.id,
            outcome=ReplyOutcome.FORWARDED,
        )
    )  # fmt: skip
    db.session.commit()
    long_ago = utc_now() - timedelta(days=31)
    db.session.execute(
        update(Bounce).where(Bounce.address == "gone@example.org").values(created_at=long_ago)
    )
    db.session.execute(update(InboundReply).values(created_at=long_ago))
    db.session.commit()
    runner.invoke(args=["notify", "run", "--once"])
    db.session.expire_all()
    assert db.session.scalars(select(Bounce.address)).all() == ["fresh@example.org"]
    assert count(InboundReply) == 0


def test_subscriptions_and_signatures_never_confirmed_go_when_their_link_expires(
    app, make_user, make_letter, subscribe, runner
):
    letter = make_letter(make_user("Sven"), None)
    subscribe("confirmed@example.org", Target.SITE)
    for email, days in (("stale@example.org", 8), ("fresh@example.org", 6)):
        made = utc_now() - timedelta(days=days)
        subscribe(email, Target.SITE, confirmed_at=None, created_at=made)
        db.session.add(Signature(letter_id=letter.id, email=email, name=email, created_at=made))
    db.session.commit()
    assert runner.invoke(args=["notify", "run", "--once"]).exit_code == 0
    db.session.expire_all()
    assert sorted(db.session.scalars(select(Subscription.email))) == [
        "confirmed@example.org", "fresh@example.org"
    ]  # fmt: skip
    assert db.session.scalars(select(Signature.email)).all() == ["fresh@example.org"]
