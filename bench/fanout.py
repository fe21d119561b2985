"""Fan-out benchmark: 10,000 subscribers, one publish, the sender against a bare smtplib loop.

Prints the publish request's time, the sender's delivery rate to a local SMTP sink, and the
rate of a bare smtplib loop sending the same messages over one connection to the same sink,
measured in the same run. Run: .venv/bin/python bench/fanout.py [--subscribers N]
"""

from __future__ import annotations

import argparse
import os
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts.service import create_user  # noqa: E402
from app.database import utc_now  # noqa: E402
from app.extensions import db  # noqa: E402
from app.notifications.sender import fan_out_pending_events, run_once  # noqa: E402
from app.outbox import DeliveryState, Notice  # noqa: E402
from app.subscriptions.models import Frequency, Subscription, Target  # noqa: E402

PASSWORD = "benchmark password"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def smtp_sink(port: int):
    """aiosmtpd's Sink handler in its own process, so that it does not share our CPU time."""
    process = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
         "-c", "aiosmtpd.handlers.Sink"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    try:
        yield
    finally:
        process.terminate()
        process.wait(5)


def seed(subscribers: int) -> int:
    author = create_user("author@example.org", "Sven Albrecht", PASSWORD)
    now = utc_now()
    db.session.execute(
        insert(Subscription),
        [
            {"email": f"reader{n:05}@example.org", "target": Target.AUTHOR,
             "target_id": author.id, "frequency": Frequency.INSTANT, "locale": "de" if n % 2
             else "en", "timezone": "Europe/Berlin", "created_at": now, "confirmed_at": now}
            for n in range(subscribers)
        ],
    )  # fmt: skip
    db.session.commit()
    return author.id


def publish_through_the_app(app) -> float:
    """Sign in and publish with the real form; returns the publish request's seconds."""
    client = app.test_client()
    client.post("/auth/login", data={"email": "author@example.org", "password": PASSWORD})
    form = {"addressee": "", "addressee_name": "Alle", "language": "de", "title": "Ein Brief",
            "body": "Liebe Leserinnen und Leser,\n\n" + "Ein Absatz. " * 80, "closing": "Gruß",
            "signature": "Sven", "publish": "1"}  # fmt: skip
    started = time.perf_counter()
    response = client.post("/letters/new", data=form)
    elapsed = time.perf_counter() - started
    assert response.status_code == 302, response.status_code
    return elapsed


def bare_loop(port: int, messages: list[tuple[str, bytes]]) -> float:
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for recipient, raw in messages:
            smtp.sendmail("briefwechsel@example.org", [recipient], raw)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscribers", type=int, default=10_000)
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory() as folder, smtp_sink(port):
        app = create_app({
            "SQLALCHEMY_DATABASE_URI": os.environ.get(
                "BENCH_DATABASE_URL", f"sqlite:///{folder}/bench.sqlite"),
            "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
            "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "SITE_URL": "https://briefe.example.org",
            "MAIL_DEFAULT_SENDER": "briefwechsel@example.org",
        })  # fmt: skip
        with app.app_context():
            db.drop_all()
            db.create_all()
            seed(args.subscribers)
            publish_seconds = publish_through_the_app(app)
            started = time.perf_counter()
            fan_out_pending_events()
            fan_out_seconds = time.perf_counter() - started
            started = time.perf_counter()
            sent = run_once(batch_size=500)
            send_seconds = time.perf_counter() - started
            assert sent == args.subscribers, sent
            messages = rendered_copies(args.subscribers)
            db.session.commit()
            bare_seconds = bare_loop(port, messages)
            db.session.remove()
            db.drop_all()
    ours, bare = sent / send_seconds, len(messages) / bare_seconds
    print(f"subscribers                 {args.subscribers}")
    print(f"publish request             {publish_seconds * 1000:8.1f} ms")
    print(f"fan-out in the sender       {fan_out_seconds * 1000:8.1f} ms")
    print(f"sender delivery rate        {ours:8.0f} messages/s ({send_seconds:.1f} s)")
    print(f"bare smtplib loop           {bare:8.0f} messages/s ({bare_seconds:.1f} s)")
    print(f"ratio sender / bare loop    {ours / bare:8.2f}")


def rendered_copies(count: int) -> list[tuple[str, bytes]]:
    """The same messages the sender delivered, rendered again for the bare loop."""
    from app.notifications.compose import LetterCache, render_notice

    notices = db.session.scalars(
        select(Notice).where(Notice.state == DeliveryState.SENT).limit(count)
    ).all()
    cache = LetterCache()
    cache.load({notice.letter_id for notice in notices})
    return [(notice.recipient, render_notice(notice, cache)[0]) for notice in notices]


if __name__ == "__main__":
    main()
