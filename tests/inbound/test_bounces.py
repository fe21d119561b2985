"""Bounces: reports come back to the notice's return path, and bad addresses get no more mail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.database import utc_now
from app.deliverability import AddressStanding, Bounce
from app.extensions import db
from app.notifications.reply_address import read_bounce_token
from app.outbox import DeliveryState, Notice
from app.subscriptions.models import Target
from app.subscriptions.tokens import manage_token
from tests.inbound import bouncing
from tests.inbound.replying import REPLY_DOMAIN, receive_on_stdin, send_lmtp
from tests.mailserver import ReceivedMail
from tests.support import link_in, sign_in

SVENJA = "svenja@example.org"


def bounce_back(listener, notice: ReceivedMail, raw: bytes):
    """A report to the notice's return path over LMTP, from the null sender as MTAs send them."""
    return send_lmtp(listener.port, raw, notice.sender, mail_from="")


def bounces_of(address: str) -> list[Bounce]:
    return list(db.session.scalars(select(Bounce).where(Bounce.address == address)))


def is_suspended(address: str) -> bool:
    standing = db.session.get(AddressStanding, address)
    return standing is not None and standing.suspended_at is not None


def notices_to_svenja(make_letter, sven_and_svenja, mail_server, count: int) -> list[ReceivedMail]:
    """Sven writes Svenja `count` letters; the notices she got."""
    sven, svenja = sven_and_svenja
    for number in range(count):
        make_letter(sven, svenja, title=f"Brief {number}", language="de")
    mail_server.inbox.wait_for(count)
    db.session.commit()
    return mail_server.inbox.to(SVENJA)[-count:]


def test_every_notice_goes_out_with_a_return_path_that_names_it(notice_to_svenja):
    _letter, notice = notice_to_svenja()
    local, _, domain = notice.sender.partition("@")
    assert domain == REPLY_DOMAIN and local.startswith("bounce+")
    assert len(local) <= 64  # RFC 5321's limit for a local part
    sent = db.session.scalars(select(Notice).where(Notice.recipient == SVENJA)).one()
    assert read_bounce_token(local.removeprefix("bounce+")) == sent.id


def test_without_a_reply_domain_notices_come_from_the_site_address(
    app_factory, mail_server, make_user, make_letter
):
    app = app_factory(**mail_server.settings)
    with app.app_context():
        sven = make_user("Sven Albrecht", email="sven@example.org")
        svenja = make_user("Svenja Köhler", email=SVENJA)
        make_letter(sven, svenja)
        notice = mail_server.inbox.wait_for(1)[-1]
        assert notice.sender == app.config["MAIL_DEFAULT_SENDER"]


@pytest.mark.parametrize(
    ("report", "status"),
    [
        (bouncing.postfix_user_unknown, "5.1.1"),
        (bouncing.exchange_recipient_not_found_de, "5.1.10"),
    ],
)
def test_a_hard_bounce_suspends_the_address_at_once(listener, notice_to_svenja, report, status):
    _letter, notice = notice_to_svenja()
    answer = bounce_back(listener, notice, report(notice))
    assert answer.code == 250, answer.text
    [bounce] = bounces_of(SVENJA)
    assert bounce.hard and bounce.status == status
    assert status in bounce.diagnostic
    assert is_suspended(SVENJA)
    assert status in db.session.get(AddressStanding, SVENJA).reason


def test_the_sender_sends_no_notice_to_a_suspended_address(
    listener, notice_to_svenja, make_letter, sven_and_svenja, subscribe, mail_server
):
    _letter, notice = notice_to_svenja()
    bounce_back(listener, notice, bouncing.postfix_user_unknown(notice))
    sven, svenja = sven_and_svenja
    subscribe(SVENJA, Target.AUTHOR, sven.id)
    subscribe("reader@example.org", Target.AUTHOR, sven.id)
    received_before = len(mail_server.inbox.to(SVENJA))

    make_letter(sven, svenja, title="Noch ein Brief", language="de")
    mail_server.inbox.wait_for(2)

    assert len(mail_server.inbox.to(SVENJA)) == received_before
    assert mail_server.inbox.to("reader@example.org")  # others still get theirs
    latest = db.session.scalars(
        select(Notice).where(Notice.recipient == SVENJA).order_by(Notice.id.desc())
    ).first()
    assert latest.state == DeliveryState.DROPPED
    assert "bounced" in latest.last_error
    assert db.session.scalars(select(Notice).where(Notice.recipient == SVENJA)).all()


def test_soft_bounces_suspend_at_the_third_notice_within_two_weeks(
    listener, make_letter, sven_and_svenja, mail_server
):
    first, second, third = notices_to_svenja(make_letter, sven_and_svenja, mail_server, 3)
    for notice in (first, second):
        assert bounce_back(listener, notice, bouncing.mailbox_full_de(notice)).code == 250
    assert [bounce.hard for bounce in bounces_of(SVENJA)] == [False, False]
    assert not is_suspended(SVENJA)

    bounce_back(listener, third, bouncing.mailbox_full_de(third))
    assert is_suspended(SVENJA)
    assert "4.2.2" in db.session.get(AddressStanding, SVENJA).reason


def test_delay_warnings_about_one_notice_count_once(listener, notice_to_svenja):
    _letter, notice = notice_to_svenja()
    for _ in range(3):
        assert bounce_back(listener, notice, bouncing.delayed_warning_de(notice)).code == 250
    assert len(bounces_of(SVENJA)) == 3
    assert not is_suspended(SVENJA)


def test_soft_bounces_older_than_two_weeks_are_forgotten(
    listener, make_letter, sven_and_svenja, mail_server
):
    first, second, third = notices_to_svenja(make_letter, sven_and_svenja, mail_server, 3)
    for notice in (first, second):
        bounce_back(listener, notice, bouncing.mailbox_full_de(notice))
    db.session.execute(update(Bounce).values(created_at=utc_now() - timedelta(days=15)))
    db.session.commit()
    bounce_back(listener, third, bouncing.mailbox_full_de(third))
    assert not is_suspended(SVENJA)


def test_the_same_report_delivered_twice_counts_once(listener, notice_to_svenja):
    _letter, notice = notice_to_svenja()
    report = bouncing.mailbox_full_de(notice, message_id="<report-1@mout.example.de>")
    assert bounce_back(listener, notice, report).code == 250
    again = bounce_back(listener, notice, report)
    assert again.code == 250 and "already" in again.text
    assert len(bounces_of(SVENJA)) == 1


def test_a_bounce_in_a_servers_own_format_is_read_too(app, notice_to_svenja):
    """Exim writes no DSN part; the report arrives through a Postfix pipe here."""
    _letter, notice = notice_to_svenja()
    done = receive_on_stdin(app, bouncing.exim_bounce(notice), notice.sender)
    assert done.returncode == 0, done.stderr
    [bounce] = bounces_of(SVENJA)
    assert bounce.hard and bounce.status == "5.1.1"
    assert is_suspended(SVENJA)


@pytest.mark.parametrize("report", [bouncing.vacation_notice, bouncing.gmail_delivered])
def test_mail_to_the_return_path_that_reports_no_failure_counts_for_nothing(
    listener, notice_to_svenja, report
):
    _letter, notice = notice_to_svenja()
    answer = bounce_back(listener, notice, report(notice))
    assert answer.code == 250 and "dropped" in answer.text
    assert bounces_of(SVENJA) == []
    assert not is_suspended(SVENJA)


def test_a_forged_or_tampered_return_path_is_refused(listener, notice_to_svenja):
    _letter, notice = notice_to_svenja()
    local, _, domain = notice.sender.partition("@")
    tampered = f"{local[:-3]}{'AAA' if not local.endswith('AAA') else 'BBB'}@{domain}"
    for address in (tampered, f"bounce+12345@{REPLY_DOMAIN}"):
        answer = send_lmtp(listener.port, bouncing.postfix_user_unknown(notice), address, "")
        assert answer.code == 550
    assert bounces_of(SVENJA) == []


def test_a_subscriber_sees_the_suspension_and_lifts_it_by_confirming_again(
    client, listener, make_user, make_letter, subscribe, mail_server
):
    sven = make_user("Sven Albrecht", email="sven@example.org", locale="de")
    subscribe("leser@example.org", Target.AUTHOR, sven.id, locale="de")
    make_letter(sven, title="Erster Brief", language="de")
    notice = mail_server.inbox.wait_for(1)[-1]
    bounce_back(listener, notice, bouncing.postfix_user_unknown(notice))

    manage = f"/subscriptions/{manage_token('leser@example.org')}"
    page = client.get(manage, headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "Mail an diese Adresse kam zurück" in page
    assert "Erster Brief" not in page and "Sven Albrecht" in page  # the subscription stays

    asked = client.post(manage, data={"action": "confirm_address"}, follow_redirects=True)
    assert "leser@example.org" in asked.get_data(as_text=True)
    mail_server.inbox.wait_for(2)
    confirmation = mail_server.inbox.to("leser@example.org")[-1]  # sent despite the suspension
    link = link_in(confirmation.text)
    assert client.get(link).status_code == 200
    assert is_suspended("leser@example.org")  # a mail scanner's GET lifts nothing
    client.post(link)
    assert not is_suspended("leser@example.org")

    make_letter(sven, title="Zweiter Brief", language="de")
    mail_server.inbox.wait_for(3)
    assert "Zweiter Brief" in str(mail_server.inbox.to("leser@example.org")[-1].message["Subject"])


def test_a_colleague_is_warned_in_settings_and_confirming_lifts_it(
    client, listener, notice_to_svenja, sven_and_svenja, mail_server
):
    _letter, notice = notice_to_svenja()
    bounce_back(listener, notice, bouncing.exchange_recipient_not_found_de(notice))
    _sven, svenja = sven_and_svenja
    sign_in(client, svenja)
    settings = client.get("/settings").get_data(as_text=True)
    assert "Mail an svenja@example.org kam zurück" in settings
    assert "5.1.10" in settings

    client.post("/auth/confirm", data={})
    mail_server.inbox.wait_for(2)
    link = link_in(mail_server.inbox.to(SVENJA)[-1].text)
    client.get(link)
    assert not is_suspended(SVENJA)
    assert "kam zurück" not in client.get("/settings").get_data(as_text=True)


def test_an_admin_sees_bounces_and_suspensions_and_can_lift_one(
    client, listener, notice_to_svenja, make_user
):
    _letter, notice = notice_to_svenja()
    bounce_back(listener, notice, bouncing.postfix_user_unknown(notice))
    admin = make_user("Ada Admin", email="ada@example.org", is_admin=True)
    sign_in(client, admin)
    page = client.get("/admin/deliveries").get_data(as_text=True)
    assert SVENJA in page and "5.1.1" in page and "User unknown" in page

    client.post("/admin/deliveries/lift", data={"address": SVENJA})
    assert not is_suspended(SVENJA)
    assert "No address is suspended." in client.get("/admin/deliveries").get_data(as_text=True)


def test_soft_bounces_before_a_lift_are_not_counted_again(
    client, listener, make_letter, sven_and_svenja, mail_server, make_user
):
    notices = notices_to_svenja(make_letter, sven_and_svenja, mail_server, 4)
    for notice in notices[:3]:
        bounce_back(listener, notice, bouncing.mailbox_full_de(notice))
    assert is_suspended(SVENJA)
    admin = make_user("Ada Admin", email="ada@example.org", is_admin=True)
    sign_in(client, admin)
    client.post("/admin/deliveries/lift", data={"address": SVENJA})

    bounce_back(listener, notices[3], bouncing.mailbox_full_de(notices[3]))
    assert not is_suspended(SVENJA)
