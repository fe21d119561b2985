"""Soak: colleagues save drafts while the sender works through 400 letters' notices (SQLite).

Seeds 400 published letters with 25 site subscribers each (10,000 notices to fan out and
send), serves the site with gunicorn (two workers, as `make run` does), then has WRITERS
colleagues save drafts over HTTP while `flask notify run --once` (a separate process, as in
production) delivers everything to a local SMTP server. The baseline is the same writers
with no sender running, measured in the same run.
Aim: no write waits more than about a second; none fails.
Run: .venv/bin/python bench/writes_beside_sender.py
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.accounts.service import create_user  # noqa: E402
from app.database import utc_now  # noqa: E402
from app.extensions import db  # noqa: E402
from app.letters.models import Language  # noqa: E402
from app.letters.service import LetterDraft, save_letter  # noqa: E402
from app.subscriptions.models import Frequency, Subscription, Target  # noqa: E402

LETTERS = 400
SUBSCRIBERS = 25
WRITERS = 20
PASSWORD = "benchmark password"


class Accepting:
    """An SMTP server that takes every message."""

    received = 0

    async def handle_DATA(self, _server, _session, _envelope):
        Accepting.received += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed() -> list[str]:
    """Letters, subscribers and the writing colleagues; returns the writers' addresses."""
    author = create_user("author@example.org", "Ada Author", PASSWORD)
    for number in range(SUBSCRIBERS):
        db.session.add(Subscription(email=f"reader{number}@example.org", target=Target.SITE,
                                    target_id=0, frequency=Frequency.INSTANT,
                                    confirmed_at=utc_now()))  # fmt: skip
    writers = [create_user(f"w{n}@example.org", f"Writer {n}", PASSWORD) for n in range(WRITERS)]
    db.session.commit()
    for number in range(LETTERS):
        save_letter(author, draft(f"Letter {number}", "A letter. " * 200), publish=True)
        db.session.commit()
    return [writer.email for writer in writers]


def draft(title: str, body: str) -> LetterDraft:
    return LetterDraft(title=title, salutation="", body=body, closing="Best", signature="A",
                       postscript="", language=Language.EN, addressee=None,
                       addressee_name="Everyone")  # fmt: skip


def post(opener: urllib.request.OpenerDirector, url: str, form: dict[str, str]) -> int:
    """POST a form; the status of the answer (redirects are not followed)."""
    try:
        with opener.open(url, data=urllib.parse.urlencode(form).encode(), timeout=60) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args, **_kwargs):
        return None


def write_drafts(site: str, email: str, until: threading.Event, count: int, timings: list,
                 statuses: list) -> None:  # fmt: skip
    """Sign in, then save drafts until told to stop (or `count` drafts are saved)."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirects()
    )
    post(opener, f"{site}/auth/login", {"email": email, "password": PASSWORD})
    saved = 0
    while saved < count and not until.is_set():
        form = {"addressee": "", "addressee_name": "Everyone", "language": "en",
                "title": f"Draft of {email}", "body": "Some thoughts. " * 50,
                "closing": "Best", "signature": "W"}  # fmt: skip
        started = time.perf_counter()
        statuses.append(post(opener, f"{site}/letters/new", form))
        timings.append(time.perf_counter() - started)
        saved += 1


def run_writers(
    site: str, emails: list[str], until: threading.Event, count: int
) -> tuple[list, list]:
    timings: list[float] = []
    statuses: list[int] = []
    threads = [
        threading.Thread(target=write_drafts, args=(site, email, until, count, timings, statuses))
        for email in emails
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings, statuses


def report(label: str, timings: list[float], statuses: list[int]) -> None:
    slow = sum(1 for seconds in timings if seconds > 1.0)
    failed = sum(1 for status in statuses if status >= 500)
    print(f"{label:34} {len(timings):6d} {statistics.median(timings) * 1000:10.0f} "
          f"{max(timings) * 1000:9.0f} {slow:8d} {failed:7d}")  # fmt: skip


def start_site(env: dict[str, str], access_log: Path) -> tuple[subprocess.Popen, str]:
    """gunicorn with two workers, as `make run` serves the site; returns it and its address.

    Its access log notes each request's time inside the app, without the time it queued
    for a free worker: the time a write waited for the lock is in there.
    """
    port = free_port()
    factory = "app:create_app({'WTF_CSRF_ENABLED': False, 'RATELIMIT_ENABLED': False})"
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "--workers", "2", "--bind",
                               f"127.0.0.1:{port}", "--access-logfile", str(access_log),
                               "--access-logformat", "%(m)s %(U)s %(s)s %(D)s", factory],
                              cwd=ROOT, env=env, stderr=subprocess.DEVNULL)  # fmt: skip
    site = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{site}/healthz", timeout=1).close()
            return server, site
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/soak.sqlite"
        smtp_port = free_port()
        controller = Controller(Accepting(), hostname="127.0.0.1", port=smtp_port)
        controller.start()
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            emails = seed()
            db.engine.dispose()
        print(f"seeded {LETTERS} letters, {SUBSCRIBERS} subscribers in "
              f"{time.perf_counter() - started:.0f} s")  # fmt: skip
        env = {**os.environ, "DATABASE_URL": url, "MAIL_SERVER": "127.0.0.1",
               "MAIL_PORT": str(smtp_port), "SECRET_KEY": "bench", "FLASK_APP": "app"}  # fmt: skip
        access_log = Path(folder) / "access.log"
        server, site = start_site(env, access_log)
        try:
            measure(site, emails, env, access_log)
        finally:
            server.terminate()
            server.wait()
            controller.stop()


def server_times(access_log: Path) -> list[float]:
    """Seconds each draft save spent in the app, from the access log; the log is emptied."""
    times = [int(line.split()[3]) / 1e6 for line in access_log.read_text().splitlines()
             if line.startswith("POST /letters/new")]  # fmt: skip
    access_log.write_text("")
    return times


def measure(site: str, emails: list[str], env: dict[str, str], access_log: Path) -> None:
    """Writers alone, then beside the sender; as the clients see it and inside the app."""
    print(f"{'writers (20 clients, 2 workers)':34} {'saves':>6} {'median ms':>10} {'max ms':>9} "
          f"{'> 1 s':>8} {'5xx':>7}")  # fmt: skip
    timings, statuses = run_writers(site, emails, threading.Event(), 5)
    report("alone, as clients see it", timings, statuses)
    report("alone, inside the app", server_times(access_log), statuses)
    started = time.perf_counter()
    sender = subprocess.Popen([str(ROOT / ".venv/bin/flask"), "notify", "run", "--once"],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)  # fmt: skip
    finished = threading.Event()
    threading.Thread(target=lambda: (sender.wait(), finished.set()), daemon=True).start()
    timings, statuses = run_writers(site, emails, finished, 10_000)
    said = (sender.stdout.read() if sender.stdout else "").strip()
    report("beside sender, as clients see it", timings, statuses)
    inside = server_times(access_log)
    report("beside sender, inside the app", inside, statuses)
    print(f"sender: {said or 'FAILED'} in {time.perf_counter() - started:.0f} s, exit "
          f"{sender.returncode} (SMTP server received {Accepting.received})")  # fmt: skip
    worst = max(inside)
    print(f"longest write inside the app beside the sender: {worst * 1000:.0f} ms "
          f"({'meets' if worst <= 1.2 else 'MISSES'} the aim of about a second)")  # fmt: skip


if __name__ == "__main__":
    main()
