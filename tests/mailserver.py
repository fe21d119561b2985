"""A real SMTP server for tests (aiosmtpd), keeping what it receives as a mail client would."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

# Longer than any timeout the tests give the sender, short enough not to delay the server's stop.
SILENCE_SECONDS = 3


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ReceivedMail:
    sender: str
    recipients: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.raw, policy=policy.default)

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part else ""

    @property
    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        return part.get_content() if part else ""


@dataclass
class Inbox:
    """What the SMTP server has accepted, oldest first."""

    mails: list[ReceivedMail] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)
    busy: dict[str, str] = field(default_factory=dict)
    # A stage of the exchange ("MAIL", "RCPT" or "DATA") and the reply given there to every
    # message, instead of taking it: a server in trouble for a while.
    trouble: dict[str, str] = field(default_factory=dict)
    # Once this many mails were taken, the server reads the next one and never answers.
    silent_after: int | None = None
    # Runs the outbox sender before waiting, as the sender process would in production.
    run_sender: Callable[[], object] | None = None

    def refuse(self, address: str) -> None:
        """Answer 550 for this recipient, as a server does for an unknown mailbox."""
        self.refused.add(address)

    def defer(self, address: str, reply: str = "451 4.3.0 Try again later") -> None:
        """Answer 451 for this recipient, as a greylisting or overloaded server does."""
        self.busy[address] = reply

    async def handle_MAIL(
        self,
        server: Any,
        session: Any,
        envelope: Any,
        address: str,  # noqa: N802
        mail_options: list[str],
    ) -> str:
        if "MAIL" in self.trouble:
            return self.trouble["MAIL"]
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(
        self,
        server: Any,
        session: Any,
        envelope: Any,
        address: str,  # noqa: N802
        rcpt_options: list[str],
    ) -> str:
        if address in self.refused:
            return "550 5.1.1 No such mailbox"
        if address in self.busy:
            return self.busy[address]
        if "RCPT" in self.trouble:
            return self.trouble["RCPT"]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if "DATA" in self.trouble:
            return self.trouble["DATA"]
        if self.silent_after is not None and len(self.mails) >= self.silent_after:
            await asyncio.sleep(SILENCE_SECONDS)
            return "451 4.3.0 Too late"  # the sender has long given up
        self.mails.append(
            ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
        )
        return "250 Message accepted"

    def to(self, address: str) -> list[ReceivedMail]:
        return [mail for mail in self.mails if address in mail.recipients]

    def wait_for(self, count: int, timeout: float = 5.0) -> list[ReceivedMail]:
        """What has arrived, after waiting up to `timeout` seconds for `count` mails.

        When the inbox runs the sender there is nothing to wait for: the sender hands every
        mail to this server before it returns, and the server keeps each before answering.
        """
        if self.run_sender is not None:
            self.run_sender()
            return self.mails
        deadline = time.monotonic() + timeout
        while len(self.mails) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.mails


class MailServer:
    """aiosmtpd on a free loopback port; start() and stop() may be called repeatedly."""

    def __init__(self) -> None:
        self.port = free_port()
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self) -> MailServer:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def settings(self) -> dict[str, Any]:
        """App settings that send mail to this server."""
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port, "MAIL_USE_TLS": False}
