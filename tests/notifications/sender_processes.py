"""Real `flask notify run` processes against a test's database and SMTP server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from email.parser import BytesHeaderParser
from pathlib import Path

from flask import Flask
from sqlalchemy import func, insert, select

from app.database import read_only_transactions, utc_now
from app.extensions import db
from app.outbox import DeliveryState, Notice
from app.subscriptions.models import Frequency, Subscription, Target
from tests.mailserver import ReceivedMail

ROOT = Path(__file__).resolve().parents[2]
# The settings a sender reads from the environment, as a deployment would set them.
PASSED_ON = (
    "SECRET_KEY",
    "SITE_URL",
    "MAIL_SERVER",
    "MAIL_PORT",
    "MAIL_DEFAULT_SENDER",
    "SMTP_TIMEOUT_SECONDS",
    "SENDER_LEASE_SECONDS",
)


def sender_environment(app: Flask) -> dict[str, str]:
    """The environment in which `flask notify run` uses the test app's database and server."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("MAIL_", "DATABASE_", "REDIS_", "SQLALCHEMY_"))
    }
    environment.update({name: str(app.config[name]) for name in PASSED_ON})
    environment["DATABASE_URL"] = app.config["SQLALCHEMY_DATABASE_URI"]
    environment["FLASK_APP"] = "app"
    return environment


class SenderProcess:
    """`flask notify run` in a process of its own, its log read as it comes."""

    def __init__(self, app: Flask, *arguments: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flask", "notify", "run", *arguments],
            cwd=ROOT,
            env=sender_environment(app),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.output: list[str] = []
        self.started = threading.Event()
        self.reader = threading.Thread(target=self.read_output, daemon=True)
        self.reader.start()

    def read_output(self) -> None:
        assert self.process.stdout is not None
        with self.process.stdout as stream:
            for line in stream:
                self.output.append(line)
                if " started" in line:
                    self.started.set()
        self.started.set()  # it ended: nobody should wait for it to start

    def kill(self) -> None:
        """As the kernel's OOM killer or a pulled plug would: no clean-up at all."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)
        self.reader.join(10)

    def finish(self, timeout: float = 120) -> str:
        """Wait for a `--once` sender to end by itself; its whole output."""
        self.process.wait(timeout)
        self.reader.join(10)
        return "".join(self.output)


def add_subscribers(count: int, author_id: int) -> None:
    """Confirmed instant subscribers of one author, written in one statement."""
    now = utc_now()
    rows = [
        {"email": f"reader{number:05}@example.org", "target": Target.AUTHOR,
         "target_id": author_id, "frequency": Frequency.INSTANT, "locale": "en",
         "created_at": now, "confirmed_at": now}
        for number in range(count)
    ]  # fmt: skip
    db.session.execute(insert(Subscription), rows)
    db.session.commit()


def notice_states() -> Counter[DeliveryState]:
    """How many notices are in each state, read without holding SQLite's write lock."""
    with read_only_transactions():
        rows = db.session.execute(select(Notice.state, func.count()).group_by(Notice.state))
        states = Counter({state: count for state, count in rows})
        db.session.commit()
    return states


def message_ids(mails: list[ReceivedMail]) -> Counter[str]:
    """How often the SMTP server took each Message-ID."""
    parser = BytesHeaderParser()
    return Counter(str(parser.parsebytes(mail.raw)["Message-ID"]) for mail in mails)


def wait_until(condition: Callable[[], bool], timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False
