"""Replies as mail clients write them, and the two ways they reach the site (LMTP, stdin)."""

from __future__ import annotations

import os
import smtplib
import subprocess
import sys
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import Flask

from app.extensions import db
from tests.mailserver import ReceivedMail

REPLY_DOMAIN = "replies.example.org"
CHECKOUT = Path(__file__).resolve().parents[2]


@dataclass
class LMTPAnswer:
    code: int
    text: str


def reply_to_of(notice: ReceivedMail) -> str:
    return str(notice.message["Reply-To"])


def reply_message(
    notice: ReceivedMail,
    body: str,
    *,
    sender: str | None = None,
    html: str | None = None,
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    """A reply as a mail client sends it: to the notice's Reply-To, threaded under it."""
    message = EmailMessage()
    message["From"] = sender or notice.recipients[0]
    message["To"] = reply_to_of(notice)
    message["Subject"] = "Re: " + str(notice.message["Subject"])
    message["Message-ID"] = message_id or make_msgid(domain="client.example")
    message["In-Reply-To"] = str(notice.message["Message-ID"])
    for name, value in (headers or {}).items():
        message[name] = value
    if html is not None and not body:
        message.set_content(html, subtype="html")
    else:
        message.set_content(body)
        if html is not None:
            message.add_alternative(html, subtype="html")
    return message.as_bytes()


def send_lmtp(
    port: int, raw: bytes, recipient: str, mail_from: str = "svenja@example.org"
) -> LMTPAnswer:
    """One message over LMTP, as Postfix hands it on; the answer for the one recipient.

    The test's own transaction ends first: on SQLite it would hold the write lock.
    """
    db.session.commit()
    raw = on_the_wire(raw)
    with smtplib.LMTP("127.0.0.1", port) as client:
        client.ehlo()
        client.mail(mail_from)
        code, text = client.rcpt(recipient)
        if code != 250:
            return LMTPAnswer(code, text.decode())
        code, text = client.data(raw)
    db.session.expire_all()
    return LMTPAnswer(code, text.decode())


def on_the_wire(raw: bytes) -> bytes:
    """CRLF line ends, as every MTA sends them (smtplib leaves bytes as they are)."""
    return raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def receive_on_stdin(
    app: Flask, raw: bytes, recipient: str, **environment: str
) -> subprocess.CompletedProcess[bytes]:
    """`flask mail receive` in a process of its own, as a Postfix pipe runs it."""
    db.session.commit()
    env = {
        **os.environ,
        "FLASK_APP": "app",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": app.config["SECRET_KEY"],
        "SITE_URL": app.config["SITE_URL"],
        "REPLY_DOMAIN": app.config["REPLY_DOMAIN"],
        "MAIL_DEFAULT_SENDER": app.config["MAIL_DEFAULT_SENDER"],
        **environment,
    }
    flask = [sys.executable, "-m", "flask", "mail", "receive", "--recipient", recipient]
    done = subprocess.run(flask, input=raw, capture_output=True, env=env, cwd=CHECKOUT, timeout=60)
    db.session.expire_all()
    return done
