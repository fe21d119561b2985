"""The LMTP listener (aiosmtpd): one answer per recipient, each after its work is committed."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from flask import Flask

from app.extensions import db
from app.inbound.delivery import deliver
from app.inbound.routing import check_recipient

# aiosmtpd's own answers to a message past the size limit or with an overlong line.
WHOLE_MESSAGE_REFUSALS = ("552 Error: Too much mail data", "500 Line too long")


class ReplyLMTP(LMTP):
    """aiosmtpd's LMTP, answering a refused message once per recipient as LMTP wants."""

    async def push(self, status: Any) -> None:
        if isinstance(status, str) and status.startswith(WHOLE_MESSAGE_REFUSALS):
            recipients = len(self.envelope.rcpt_tos) if self.envelope else 1
            status = "\r\n".join([status.replace("552 Error:", "552 5.3.4")] * max(recipients, 1))
        await super().push(status)


class InboundHandler:
    """Checks addresses at RCPT and stores each message in a worker thread at DATA."""

    def __init__(self, app: Flask, workers: int = 4) -> None:
        self.app = app
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="inbound")

    def in_app(self, function: Any, *args: Any) -> Any:
        with self.app.app_context():
            return function(*args)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        refusal = self.in_app(check_recipient, address)  # a signature check: no database
        if refusal is not None:
            return refusal.reply
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        loop = asyncio.get_running_loop()
        replies = []
        for recipient in envelope.rcpt_tos:
            answer = await loop.run_in_executor(
                self.executor,
                self.in_app,
                deliver,
                envelope.original_content,
                recipient,
                envelope.mail_from or "",
            )
            replies.append(answer.reply)
        return "\r\n".join(replies)


def workers_for(app: Flask) -> int:
    """SQLite lets one transaction write at a time: more workers would only queue for its
    lock (and, waiting, leave it free for the web's requests first); PostgreSQL takes several."""
    with app.app_context():
        return 1 if db.engine.dialect.name == "sqlite" else 4


class LMTPListener(Controller):
    """The listener on host:port, served from a thread of its own (start() and stop())."""

    def __init__(self, app: Flask, host: str, port: int) -> None:
        self.handler = InboundHandler(app, workers_for(app))
        super().__init__(
            self.handler,
            hostname=host,
            port=port,
            data_size_limit=app.config["INBOUND_MAX_BYTES"],
            enable_SMTPUTF8=True,
        )

    def factory(self) -> ReplyLMTP:
        return ReplyLMTP(self.handler, **self.SMTP_kwargs)

    def stop(self, no_assert: bool = False) -> None:
        super().stop(no_assert)
        self.handler.executor.shutdown(wait=True)
