"""Broken messages never crash the listener; `flask mail receive` answers with sysexits codes."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.letters.models import Letter
from app.subscriptions.models import Target
from tests.inbound.replying import receive_on_stdin, reply_message, reply_to_of, send_lmtp

TEXT = "Lieber Sven,\n\nich antworte gern.\n\nGruß\nSvenja\n"


def reply_count(letter: Letter) -> int:
    query = select(func.count()).where(Letter.in_reply_to_id == letter.id)
    return db.session.scalar(query) or 0


def headers_for(reply_to: str, extra: bytes = b"") -> bytes:
    return (
        b"From: Svenja <svenja@example.org>\r\nTo: " + reply_to.encode() + b"\r\n"
        b"Message-ID: <broken@client.example>\r\n" + extra
    )


# Each made by hand: what careless or hostile senders put on the wire.
MALFORMED = {
    "cr_lf_in_a_header": b"Subject: =?utf-8?q?Re=0D=0ABcc=3A_x=40evil.example?=\r\n\r\n" + TEXT.encode(),  # noqa: E501
    "broken_encoded_word": b"Subject: =?utf-8?b?////?= =?unknown-8?q?x?=\r\n\r\n" + TEXT.encode(),
    "eight_bit_headers": "Subject: Grüße aus Köln\r\n\r\n".encode("latin-1") + TEXT.encode(),
    "unknown_charset": b"Content-Type: text/plain; charset=x-nonsense\r\n\r\n" + TEXT.encode(),
    "invalid_utf8_body": b"Content-Type: text/plain; charset=utf-8\r\n\r\nLieber Sven,\r\n\r\n\xff\xfe kaputt\r\n",  # noqa: E501
    "bad_base64": b"Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not*base64\r\n",  # noqa: E501
    "nested_multiparts": (
        b'Content-Type: multipart/mixed; boundary="a"\r\n\r\n--a\r\n'
        b'Content-Type: multipart/alternative; boundary="b"\r\n\r\n--b\r\n'
        b'Content-Type: multipart/related; boundary="c"\r\n\r\n--c\r\n'
        b"Content-Type: text/plain\r\n\r\nTief verschachtelt.\r\n--c--\r\n--b--\r\n--a--\r\n"
    ),
    "multipart_without_boundary": b"Content-Type: multipart/mixed\r\n\r\nno parts at all\r\n",
    "unterminated_multipart": b'Content-Type: multipart/mixed; boundary="z"\r\n\r\n--z\r\nContent-Type: text/plain\r\n\r\nHallo\r\n',  # noqa: E501
    "no_body": b"Subject: nothing\r\n\r\n",
    "only_headers_no_blank_line": b"Subject: nothing",
    "huge_header": b"X-Filler: " + b"x" * 900 + b"\r\n" + b"".join(b"\t" + b"y" * 900 + b"\r\n" for _ in range(200)) + b"\r\n" + TEXT.encode(),  # noqa: E501
    "html_with_scripts_only": b"Content-Type: text/html\r\n\r\n<script>alert(1)</script><style>p{}</style>\r\n",  # noqa: E501
    "null_bytes": b"Subject: a\x00b\r\n\r\nLieber Sven,\r\n\r\nmit \x00 Nullbyte.\r\n",
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_messages_get_an_answer_and_never_a_crash(listener, notice_to_svenja, name):
    letter, notice = notice_to_svenja()
    raw = headers_for(reply_to_of(notice)) + MALFORMED[name]
    answer = send_lmtp(listener.port, raw, reply_to_of(notice))
    assert answer.code in (250, 550), answer  # taken, or refused for good: never 451 or a hang
    assert reply_count(letter) == (1 if answer.code == 250 else 0)
    # The listener goes on taking replies.
    good = send_lmtp(listener.port, reply_message(notice, TEXT), reply_to_of(notice))
    assert good.code == 250


def test_a_line_break_in_a_readers_name_never_reaches_the_authors_mail(
    listener, sven_and_svenja, make_letter, subscribe, mail_server
):
    """The one header filled from a reply is Reply-To of the reader's note to the author."""
    sven = sven_and_svenja[0]
    subscribe("reader@example.org", Target.AUTHOR, sven.id)
    make_letter(sven, title="Über Zuhören", language="de")
    [notice] = mail_server.inbox.wait_for(1)
    raw = (
        b"From: =?utf-8?q?Rita=0D=0ABcc=3A_x=40evil.example?= <reader@example.org>\r\n"
        b"To: " + reply_to_of(notice).encode() + b"\r\nMessage-ID: <bcc@client.example>\r\n"
        b"Subject: Re\r\n\r\n" + TEXT.encode()
    )
    answer = send_lmtp(listener.port, raw, reply_to_of(notice), "reader@example.org")
    # Refused for good as a From that names no single mailbox: no note to Sven at all.
    assert (answer.code, answer.text[:5]) == (550, "5.6.0")
    time.sleep(0.5)
    assert mail_server.inbox.to("sven@example.org") == []


def test_receive_on_stdin_takes_a_reply(app, notice_to_svenja):
    letter, notice = notice_to_svenja()
    done = receive_on_stdin(app, reply_message(notice, TEXT), reply_to_of(notice))
    assert done.returncode == 0, done.stderr
    assert b"250 2.0.0 Reply taken" in done.stderr
    assert reply_count(letter) == 1
    again = receive_on_stdin(app, reply_message(notice, TEXT), reply_to_of(notice))
    assert again.returncode == 0 and reply_count(letter) == 2  # another Message-ID: another


@pytest.mark.parametrize(
    ("case", "code"),
    [("automatic", 0), ("unknown", 67), ("wrong_sender", 67), ("no_from", 65), ("too_big", 65)],
)
def test_receive_on_stdin_exit_codes(app, notice_to_svenja, case, code):
    letter, notice = notice_to_svenja()
    recipient = reply_to_of(notice)
    raw = reply_message(notice, TEXT)
    if case == "automatic":
        raw = reply_message(notice, TEXT, headers={"Auto-Submitted": "auto-replied"})
    elif case == "unknown":
        recipient = "reply+forged.AAAA.BBBB@replies.example.org"
    elif case == "wrong_sender":
        raw = reply_message(notice, TEXT, sender="mallory@example.org")
    elif case == "no_from":
        raw = b"To: " + recipient.encode() + b"\r\nSubject: Re\r\n\r\n" + TEXT.encode()
    elif case == "too_big":
        raw = raw + b"x" * (app.config["INBOUND_MAX_BYTES"] + 10)
    done = receive_on_stdin(app, raw, recipient)
    assert done.returncode == code, done.stderr
    assert reply_count(letter) == 0


def test_receive_on_stdin_asks_to_try_again_when_the_database_is_down(app, notice_to_svenja):
    letter, notice = notice_to_svenja()
    done = receive_on_stdin(
        app,
        reply_message(notice, TEXT),
        reply_to_of(notice),
        DATABASE_URL="postgresql://root@127.0.0.1:1/briefwechsel",
    )
    assert done.returncode == 75, done.stderr  # EX_TEMPFAIL: Postfix keeps it and retries
    assert b"451 4.3.0" in done.stderr
    assert reply_count(letter) == 0
