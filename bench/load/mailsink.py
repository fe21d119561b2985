"""The load scenario's mail server: aiosmtpd on loopback, one folder of messages per recipient.

The sender delivers over real SMTP to this server; the simulated subscribers (in locust's
process) read their own folder for the confirmation link and for a notice's one-click
unsubscribe link, and the runner reads them all afterwards. A folder per address keeps each
subscriber's look at its mail cheap however much mail the run sends.
"""

from __future__ import annotations

import itertools
import os
import re
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

SAFE_NAME = re.compile(r"[^a-z0-9@._+-]")


def folder_of(root: Path, address: str) -> Path:
    """Where mail to `address` is kept (addresses compared in lower case)."""
    return root / SAFE_NAME.sub("_", address.lower())


def mails_to(root: Path, address: str) -> list[EmailMessage]:
    """The messages kept for `address`, oldest first."""
    folder = folder_of(root, address)
    if not folder.is_dir():
        return []
    names = sorted(name for name in os.listdir(folder) if name.endswith(".eml"))
    return [read_mail(folder / name) for name in names]


def read_mail(path: Path) -> EmailMessage:
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part else ""


class KeepPerRecipient:
    """An aiosmtpd handler writing each message once into the folder of every recipient."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.numbers = itertools.count(1)
        self.lock = threading.Lock()
        self.received = 0

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:  # noqa: N802
        with self.lock:
            number = next(self.numbers)
            self.received += 1
        for recipient in envelope.rcpt_tos:
            folder = folder_of(self.root, recipient)
            folder.mkdir(parents=True, exist_ok=True)
            # Written beside, then renamed: a reader never sees half a message.
            partial = folder / f"{number:08d}.part"
            partial.write_bytes(envelope.original_content)
            partial.rename(folder / f"{number:08d}.eml")
        return "250 Message accepted"


class MailSink:
    """The SMTP server on 127.0.0.1:port, keeping mail under `root`."""

    def __init__(self, root: Path, port: int) -> None:
        self.root, self.port = root, port
        self.handler = KeepPerRecipient(root)
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=port)

    def start(self) -> MailSink:
        self.root.mkdir(parents=True, exist_ok=True)
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()
