"""Only the right person's own reply is taken; machines are never answered; nothing is lost."""

from __future__ import annotations

import smtplib
import sqlite3
import threading

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.inbound.lmtp import LMTPListener
from app.inbound.models import InboundReply
from app.letters.models import Letter
from app.letters.service import withdraw_letter
from app.outbox import Notice
from app.subscriptions.models import Target
from tests.inbound.replying import (
    REPLY_DOMAIN,
    on_the_wire,
    reply_message,
    reply_to_of,
    send_lmtp,
)
from tests.mailserver import free_port
from tests.support import app_for_tests, sqlite_file

MX = "mx.replies.example.org; "
TEXT = "Lieber Sven,\n\nich antworte gern.\n\nGruß\nSvenja\n"


def reply_count(letter: Letter) -> int:
    query = select(func.count()).where(Letter.in_reply_to_id == letter.id)
    return db.session.scalar(query) or 0


def outbox_size() -> int:
    return db.session.scalar(select(func.count()).select_from(Notice)) or 0


@pytest.mark.parametrize(
    "sender",
    [
        "mallory@example.org",
        '"svenja@example.org" <mallory@evil.example>',
        "svenja@example.org.evil.example",
        "svenja@example.org, mallory@evil.example",
    ],
)
def test_reply_from_another_address_is_refused(listener, notice_to_svenja, sender):
    letter, notice = notice_to_svenja()
    answer = send_lmtp(
        listener.port, reply_message(notice, TEXT, sender=sender), reply_to_of(notice)
    )
    assert answer.code == 550 and answer.text.startswith(("5.7.1", "5.6.0")), answer
    assert reply_count(letter) == 0


@pytest.mark.parametrize(
    "sender",
    ["Svenja Köhler <svenja@EXAMPLE.org>", "=?utf-8?q?K=C3=B6hler?= <svenja@Example.Org>",
     "Svenja Köhler <Svenja@example.org>"],  # Outlook and Exchange send the name's case
)  # fmt: skip
def test_display_name_and_the_case_do_not_matter(listener, notice_to_svenja, sender):
    letter, notice = notice_to_svenja()
    answer = send_lmtp(
        listener.port, reply_message(notice, TEXT, sender=sender), reply_to_of(notice)
    )
    assert answer.code == 250 and reply_count(letter) == 1


def test_an_internationalised_domain_matches_its_ascii_form(
    listener, make_user, make_letter, mail_server, sven_and_svenja
):
    jurgen = make_user("Jürgen", email="jurgen@xn--bcher-kva.example", locale="de")
    letter = make_letter(sven_and_svenja[0], jurgen)
    [notice] = [m for m in mail_server.inbox.wait_for(1) if m.recipients[0].startswith("jurgen")]
    raw = reply_message(notice, TEXT, sender="Jürgen <jurgen@bücher.example>")
    assert send_lmtp(listener.port, raw, reply_to_of(notice)).code == 250
    assert reply_count(letter) == 1


@pytest.mark.parametrize(
    ("results", "taken"),
    [
        (MX + "dkim=fail header.d=example.org; spf=fail smtp.mailfrom=svenja@example.org", False),
        (MX + "dkim=pass header.d=example.org; spf=fail smtp.mailfrom=svenja@example.org", True),
        (MX + "dkim=fail header.d=example.org; spf=pass smtp.mailfrom=svenja@example.org", True),
        (MX + "dkim=fail header.d=other.example; spf=fail smtp.mailfrom=x@other.example", True),
        ("mx.replies.example.org; none", True),
        ("this is not ; = a header", True),
    ],
)  # fmt: skip
def test_dkim_and_spf_both_failing_for_the_domain_is_refused(
    listener, notice_to_svenja, results, taken
):
    letter, notice = notice_to_svenja()
    raw = reply_message(notice, TEXT, headers={"Authentication-Results": results})
    answer = send_lmtp(listener.port, raw, reply_to_of(notice))
    assert (answer.code == 250) is taken, answer
    assert reply_count(letter) == (1 if taken else 0)


def test_only_our_own_servers_results_count(app, listener, notice_to_svenja):
    """A sender's own "pass" below our server's "fail" changes nothing."""
    app.config["INBOUND_AUTHSERV_ID"] = "mx.replies.example.org"
    letter, notice = notice_to_svenja()
    raw = reply_message(notice, TEXT)
    ours = (
        b"Authentication-Results: mx.replies.example.org; dkim=fail header.d=example.org;"
        b" spf=fail smtp.mailfrom=example.org\r\n"
    )
    forged = (
        b"Authentication-Results: mx.replies.example.org.evil; dkim=pass header.d=example.org\r\n"
    )
    answer = send_lmtp(listener.port, forged + ours + raw, reply_to_of(notice))
    assert answer.code == 550 and reply_count(letter) == 0


@pytest.mark.parametrize(
    ("headers", "mail_from"),
    [
        ({"Auto-Submitted": "auto-replied"}, "svenja@example.org"),
        ({"Auto-Submitted": "auto-generated; owner-email=x@example.org"}, "svenja@example.org"),
        ({"X-Autoreply": "yes"}, "svenja@example.org"),
        ({"X-Autorespond": "vacation"}, "svenja@example.org"),
        ({"Precedence": "bulk"}, "svenja@example.org"),
        ({"Precedence": "junk"}, "svenja@example.org"),
        ({"Precedence": "list"}, "svenja@example.org"),
        ({"Precedence": "auto_reply"}, "svenja@example.org"),
        ({"Subject": "Out of Office: Über Zuhören"}, "svenja@example.org"),
        ({"Subject": "Automatic reply: Über Zuhören"}, "svenja@example.org"),
        ({"Subject": "AW: Abwesenheitsnotiz: Über Zuhören"}, "svenja@example.org"),
        ({"Subject": "Automatische Antwort: Über Zuhören"}, "svenja@example.org"),
        ({}, ""),  # an empty return path: a bounce or an autoresponder
    ],
)
def test_automatic_replies_are_dropped_silently_and_never_answered(
    listener, notice_to_svenja, headers, mail_from
):
    letter, notice = notice_to_svenja()
    headers = dict(headers)  # the same dict serves the SQLite and the PostgreSQL run
    subject = headers.pop("Subject", None)
    raw = reply_message(notice, TEXT, headers=headers)
    if subject:
        raw = raw.replace(b"Subject: Re: ", b"Subject: " + subject.encode() + b" X-Old: ", 1)
    before = outbox_size()
    answer = send_lmtp(listener.port, raw, reply_to_of(notice), mail_from=mail_from)
    assert answer.code == 250
    assert reply_count(letter) == 0
    assert outbox_size() == before  # nothing is sent back, to anyone


def test_auto_submitted_no_is_a_person_writing(listener, notice_to_svenja):
    letter, notice = notice_to_svenja()
    raw = reply_message(notice, TEXT, headers={"Auto-Submitted": "no"})
    assert send_lmtp(listener.port, raw, reply_to_of(notice)).code == 250
    assert reply_count(letter) == 1


def test_the_same_message_twice_makes_one_draft(listener, notice_to_svenja):
    letter, notice = notice_to_svenja()
    raw = reply_message(notice, TEXT, message_id="<once@client.example>")
    first = send_lmtp(listener.port, raw, reply_to_of(notice))
    again = send_lmtp(listener.port, raw, reply_to_of(notice))
    assert (first.code, again.code) == (250, 250)
    assert reply_count(letter) == 1


def test_the_same_message_delivered_at_once_on_two_connections_makes_one_draft(
    listener, notice_to_svenja
):
    letter, notice = notice_to_svenja()
    raw = on_the_wire(reply_message(notice, TEXT, message_id="<race@client.example>"))
    db.session.commit()
    codes: list[int] = []

    def deliver() -> None:
        with smtplib.LMTP("127.0.0.1", listener.port) as client:
            client.ehlo()
            client.mail("svenja@example.org")
            client.rcpt(reply_to_of(notice))
            codes.append(client.data(raw)[0])

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.session.expire_all()
    assert codes == [250] * 4
    assert reply_count(letter) == 1


@pytest.mark.parametrize(
    "address",
    [
        "reply+WzEsMV0.axHqrQ.AAAAAAAAAAAAAAAAAAAAAAAAAAA@replies.example.org",  # forged
        "reply+nonsense@replies.example.org",
        "reply+@replies.example.org",
        "bounce+WzEsMV0@replies.example.org",  # not (yet) a kind of address taken here
        "someone@replies.example.org",
    ],
)
def test_forged_and_unknown_addresses_are_refused_at_rcpt(listener, notice_to_svenja, address):
    letter, notice = notice_to_svenja()
    answer = send_lmtp(listener.port, reply_message(notice, TEXT), address)
    assert answer.code == 550 and answer.text.startswith("5.1.1")
    assert reply_count(letter) == 0


def test_a_tampered_token_is_refused(listener, notice_to_svenja):
    letter, notice = notice_to_svenja()
    local, _, domain = reply_to_of(notice).partition("@")
    payload, stamp, signature = local.removeprefix("reply+").split(".")
    tampered = f"reply+WzEsMl0.{stamp}.{signature}@{domain}"  # [1, 2]: another letter
    assert send_lmtp(listener.port, reply_message(notice, TEXT), tampered).code == 550
    assert reply_count(letter) == 0


def test_an_expired_address_is_refused(app, listener, notice_to_svenja):
    letter, notice = notice_to_svenja()
    app.config["REPLY_TOKEN_DAYS"] = -1  # every token is past its age now
    answer = send_lmtp(listener.port, reply_message(notice, TEXT), reply_to_of(notice))
    assert answer.code == 550 and "expired" in answer.text
    assert reply_count(letter) == 0


def test_a_withdrawn_letter_takes_no_reply(listener, notice_to_svenja):
    letter, notice = notice_to_svenja()
    withdraw_letter(letter)
    db.session.commit()
    answer = send_lmtp(listener.port, reply_message(notice, TEXT), reply_to_of(notice))
    assert answer.code == 550 and reply_count(letter) == 0


def test_a_reply_with_nothing_above_the_quote_is_refused(listener, notice_to_svenja):
    letter, notice = notice_to_svenja()
    text = "\nAm 03.03.25 um 10:00 schrieb Sven Albrecht:\n> Liebe Svenja,\n> alt\n"
    answer = send_lmtp(listener.port, reply_message(notice, text), reply_to_of(notice))
    assert answer.code == 550 and answer.text.startswith("5.6.0")


def test_a_message_over_the_size_limit_is_refused_with_552(app, listener, notice_to_svenja):
    letter, notice = notice_to_svenja()
    big = reply_message(notice, TEXT + ("Ein langer Absatz. " * 4 + "\n") * 15_000)
    assert len(big) > app.config["INBOUND_MAX_BYTES"]
    answer = send_lmtp(listener.port, big, reply_to_of(notice))
    assert answer.code == 552 and reply_count(letter) == 0


def test_each_recipient_gets_its_own_answer(listener, notice_to_svenja):
    letter, notice = notice_to_svenja()
    raw = on_the_wire(reply_message(notice, TEXT))
    db.session.commit()
    with smtplib.LMTP("127.0.0.1", listener.port) as client:
        client.ehlo()
        client.mail("svenja@example.org")
        assert client.rcpt(reply_to_of(notice))[0] == 250
        assert client.rcpt("reply+nonsense@replies.example.org")[0] == 550
        assert client.rcpt(reply_to_of(notice).upper().replace("REPLY+", "reply+", 1))[0] == 550
        first = client.data(raw)
    assert first[0] == 250
    db.session.expire_all()
    assert reply_count(letter) == 1


def test_a_reader_reply_goes_privately_to_the_author_five_a_day(
    listener, sven_and_svenja, make_letter, subscribe, mail_server
):
    sven = sven_and_svenja[0]
    subscribe("reader@example.org", Target.AUTHOR, sven.id)
    letter = make_letter(sven, title="Über Zuhören", language="de")
    [notice] = mail_server.inbox.wait_for(1)
    answers = []
    for number in range(6):
        raw = reply_message(notice, f"Hallo Sven,\n\n#{number}: schöner Brief.\n\nGruß\nRita\n")
        answers.append(
            send_lmtp(listener.port, raw, reply_to_of(notice), "reader@example.org").code
        )
    assert answers == [250] * 5 + [550]
    assert reply_count(letter) == 0  # nothing published, no draft
    private = [m for m in mail_server.inbox.wait_for(6) if m.recipients == ["sven@example.org"]]
    assert len(private) == 5
    first = private[0]
    assert str(first.message["Subject"]) == (
        "Ein Leser hat per E-Mail auf deinen Brief geantwortet: Über Zuhören"
    )
    assert str(first.message["Reply-To"]) == "reader@example.org"
    # The reader's own words, as written: no Markdown escapes in a plain-text note.
    assert "\n#0: schöner Brief." in first.text.replace("\r\n", "\n")
    assert "\\#0" not in first.text and "reader@example.org" in first.text
    assert db.session.scalar(select(func.count()).select_from(InboundReply)) == 5


def test_a_database_that_cannot_store_the_reply_answers_451_and_loses_nothing(
    app, listener, notice_to_svenja, backend
):
    letter, notice = notice_to_svenja()
    raw = reply_message(notice, TEXT)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if backend == "postgres":
        url = "postgresql://root@127.0.0.1:1/briefwechsel"  # nobody listens there
    troubled = app_for_tests(url, REPLY_DOMAIN=REPLY_DOMAIN, SQLITE_BACKGROUND_WAIT_MS=200)
    db.session.commit()
    blocker = sqlite3.connect(sqlite_file(app)) if backend == "sqlite" else None
    if blocker is not None:
        blocker.execute("BEGIN IMMEDIATE")  # another writer holds the lock, and keeps it
    down = LMTPListener(troubled, "127.0.0.1", free_port())
    down.start()
    try:
        answer = send_lmtp(down.port, raw, reply_to_of(notice))
    finally:
        down.stop()
        if blocker is not None:
            blocker.rollback()
            blocker.close()
    assert answer.code == 451 and answer.text.startswith("4.3.0")
    assert reply_count(letter) == 0
    again = send_lmtp(listener.port, raw, reply_to_of(notice))  # the MTA tries again later
    assert again.code == 250 and reply_count(letter) == 1
