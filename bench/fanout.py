"""Fan-out benchmark: one letter published to 100,000 subscribers, sent by a real sender.

Each round publishes a letter through the app's own form and times the request, then runs
`flask notify run --once` in a process of its own against a local SMTP sink (aiosmtpd in a
third process): the sender's log gives the fan-out's time and the sending time, and the
kernel gives its peak memory (RSS, from wait4). Then a bare smtplib loop sends as many
messages of the same size over one connection to the same sink. Medians of the rounds are
printed beside the aims.

Run: .venv/bin/python bench/fanout.py [--subscribers N] [--rounds N]
     BENCH_DATABASE_URL=postgresql://127.0.0.1/bench .venv/bin/python bench/fanout.py
"""

from __future__ import annotations

import argparse
import contextvars
import itertools
import os
import re
import smtplib
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts.service import create_user  # noqa: E402
from app.database import utc_now  # noqa: E402
from app.extensions import db  # noqa: E402
from app.outbox import DeliveryState, Notice  # noqa: E402
from app.subscriptions.models import Frequency, Subscription, Target  # noqa: E402

PASSWORD = "benchmark password"
SAMPLE = 1_000  # distinct messages the bare loop cycles through
AIMS = {"publish_ms": 200, "fan_out_s": 10, "peak_rss_mb": 150, "ratio": 0.8}


@dataclass
class Round:
    publish_ms: float
    fan_out_s: float
    send_s: float
    sent: int
    peak_rss_mb: float
    bare_s: float

    @property
    def ratio(self) -> float:
        return (self.sent / self.send_s) / (self.sent / self.bare_s)


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


def seed(subscribers: int) -> None:
    author = create_user("author@example.org", "Sven Albrecht", PASSWORD)
    now = utc_now()
    for start in range(0, subscribers, 10_000):
        db.session.execute(
            insert(Subscription),
            [
                {"email": f"reader{n:06}@example.org", "target": Target.AUTHOR,
                 "target_id": author.id, "frequency": Frequency.INSTANT, "locale": "de" if n % 2
                 else "en", "timezone": "Europe/Berlin", "created_at": now, "confirmed_at": now}
                for n in range(start, min(start + 10_000, subscribers))
            ],
        )  # fmt: skip
    db.session.commit()


def publish_through_the_app(app, title: str) -> float:
    """Sign in and publish with the real form; returns the publish request's milliseconds."""
    client = app.test_client()
    client.post("/auth/login", data={"email": "author@example.org", "password": PASSWORD})
    form = {"addressee": "", "addressee_name": "Alle", "language": "de", "title": title,
            "body": "Liebe Leserinnen und Leser,\n\n" + "Ein Absatz. " * 80, "closing": "Gruß",
            "signature": "Sven", "publish": "1"}  # fmt: skip
    started = time.perf_counter()
    response = client.post("/letters/new", data=form)
    elapsed = time.perf_counter() - started
    assert response.status_code == 302, response.status_code
    return elapsed * 1000


def run_sender(database_url: str, port: int) -> tuple[float, float, int, float]:
    """`flask notify run --once` in its own process: fan-out s, send s, sent, peak RSS MB."""
    environment = {**os.environ, "FLASK_APP": "app", "DATABASE_URL": database_url,
                   "SECRET_KEY": "bench", "SITE_URL": "https://briefe.example.org",
                   "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(port),
                   "MAIL_DEFAULT_SENDER": "briefwechsel@example.org"}  # fmt: skip
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "notify", "run", "--once", "--batch", "500"],
            cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        peak_kib = 0
        while process.poll() is None:
            peak_kib = max(peak_kib, high_water_mark_kib(process.pid))
            time.sleep(0.02)
        log.seek(0)
        output = log.read()
    assert process.returncode == 0, output
    fan_out = re.search(r"fanned out \d+ letters in ([\d.]+) s", output)
    sending = re.search(r"sent (\d+) notices in ([\d.]+) s", output)
    assert fan_out and sending, output
    return float(fan_out[1]), float(sending[2]), int(sending[1]), peak_kib / 1024


def high_water_mark_kib(pid: int) -> int:
    """The most memory the process has had resident so far (VmHWM), 0 once it is gone.

    The kernel keeps the peak itself, so polling misses nothing but the last few
    milliseconds. (wait4's ru_maxrss would count this script's own memory: the sender is
    forked from it.)
    """
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def sample_messages(letter_title: str) -> list[tuple[str, bytes]]:
    """Messages the sender delivered in this round, rendered again for the bare loop."""
    from app.letters.models import Letter
    from app.notifications.compose import LetterCache, render_notice

    letter_id = db.session.scalar(select(Letter.id).where(Letter.title == letter_title))
    notices = db.session.scalars(
        select(Notice)
        .where(Notice.letter_id == letter_id, Notice.state == DeliveryState.SENT)
        .limit(SAMPLE)
    ).all()
    cache = LetterCache()
    cache.load({letter_id})
    messages = [(notice.recipient, render_notice(notice, cache)[0]) for notice in notices]
    db.session.commit()
    return messages


def bare_loop(port: int, messages: list[tuple[str, bytes]], count: int) -> float:
    """Seconds for `count` messages over one connection, as plain smtplib sends them."""
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for recipient, raw in itertools.islice(itertools.cycle(messages), count):
            smtp.sendmail("briefwechsel@example.org", [recipient], raw)
    return time.perf_counter() - started


def one_round(app, number: int, database_url: str, port: int) -> Round:
    title = f"Ein Brief, Runde {number}"
    # In a context of its own, as under a server: the request must not reuse our app context.
    publish_ms = contextvars.Context().run(publish_through_the_app, app, title)
    db.session.remove()  # nothing of ours holds SQLite's lock while the sender works
    fan_out_s, send_s, sent, peak = run_sender(database_url, port)
    bare_s = bare_loop(port, sample_messages(title), sent)
    db.session.remove()
    return Round(publish_ms, fan_out_s, send_s, sent, peak, bare_s)


def report(rounds: list[Round], subscribers: int) -> None:
    print(f"subscribers {subscribers}, rounds {len(rounds)}")
    print("round  publish ms  fan-out s  sender msg/s  bare msg/s  ratio  sender peak RSS MB")
    for number, r in enumerate(rounds, 1):
        print(f"{number:5}  {r.publish_ms:10.1f}  {r.fan_out_s:9.2f}  {r.sent / r.send_s:12.0f}"
              f"  {r.sent / r.bare_s:10.0f}  {r.ratio:5.2f}  {r.peak_rss_mb:18.1f}")  # fmt: skip
    medians = {
        "publish_ms": statistics.median(r.publish_ms for r in rounds),
        "fan_out_s": statistics.median(r.fan_out_s for r in rounds),
        "peak_rss_mb": max(r.peak_rss_mb for r in rounds),
        "ratio": statistics.median(r.ratio for r in rounds),
    }
    print(f"publish request (median)   {medians['publish_ms']:8.1f} ms   aim < 200 ms")
    print(f"fan-out (median)           {medians['fan_out_s']:8.2f} s    aim < 10 s")
    print(f"sender peak RSS (highest)  {medians['peak_rss_mb']:8.1f} MB   aim < 150 MB")
    print(f"sender / bare (median)     {medians['ratio']:8.2f}      aim ≥ 0.8")
    met = [
        medians["publish_ms"] < AIMS["publish_ms"],
        medians["fan_out_s"] < AIMS["fan_out_s"],
        medians["peak_rss_mb"] < AIMS["peak_rss_mb"],
        medians["ratio"] >= AIMS["ratio"],
    ]
    print("all aims met" if all(met) else "NOT all aims met")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory() as folder, smtp_sink(port):
        database_url = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{folder}/bench.sqlite")
        app = create_app({
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
            "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "SITE_URL": "https://briefe.example.org",
            "MAIL_DEFAULT_SENDER": "briefwechsel@example.org",
        })  # fmt: skip
        with app.app_context():
            db.drop_all()
            db.create_all()
            seed(args.subscribers)
            rounds = [
                one_round(app, number, database_url, port) for number in range(1, args.rounds + 1)
            ]
            db.session.remove()
            db.drop_all()
    report(rounds, args.subscribers)


if __name__ == "__main__":
    main()
