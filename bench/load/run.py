"""The load scenario: 32 people on the site for a minute, with the sender running.

Creates a database of its own (a SQLite file, or a PostgreSQL database beside --postgres),
migrates it, seeds a few hundred letters, then starts what `make run` starts: the site under
gunicorn with deploy/gunicorn.conf.py (several workers) and the sender (`flask notify run`,
as the Procfile does), with an SMTP server (aiosmtpd) taking the mail. locust then runs the
people of bench/load/locustfile.py headless on loopback. Afterwards, once the sender has
caught up, it checks: no response 5xx, "database is locked" in no log, every letter the
writers published on its page with its title, and each one's notices in the outbox, sent,
and in the watchers' mail. Prints p50/p99 per request kind.

Run: .venv/bin/python bench/load/run.py [--postgres postgresql://127.0.0.1/x] [--seconds 60]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script from the checkout

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from bench.load import checks, site  # noqa: E402
from bench.load.mailsink import MailSink  # noqa: E402
from bench.servers import VENV_BIN, free_port, stop_server, wait_until_up  # noqa: E402

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
LETTERS = 240
# The sender looks for work every 5 s (the Procfile's default): a minute is plenty to catch up.
CATCH_UP_SECONDS = 60


def run_load(
    database_url: str, folder: Path, users: int = 32, seconds: int = 60
) -> checks.Findings:
    """Seed, serve, load, check: what was found (see Findings.problems)."""
    site_url, smtp_port = f"http://127.0.0.1:{free_port()}", free_port()
    environment = site.environment(database_url, site_url, smtp_port, folder)
    site.migrate(environment)
    scenario = site.prepare(database_url, LETTERS, folder)
    findings = checks.Findings()
    app = create_app(site.settings(database_url))
    with ExitStack() as running:
        running.enter_context(mail_sink(folder / "mail", smtp_port))
        running.enter_context(process(gunicorn(environment, site_url, folder), site_url))
        running.enter_context(process(sender(environment, folder)))
        statistics = run_locust(site_url, scenario, folder, users, seconds)
        settled = checks.wait_for_outbox(app, CATCH_UP_SECONDS)
        checks.read_record(folder / "record.jsonl", findings)
        checks.check_letters(app, site_url, folder / "mail", findings)
    with app.app_context():
        db.engine.dispose()
    checks.read_locust(statistics, findings)
    checks.read_logs(folder, findings)
    if not settled:
        findings.missing.append(f"the outbox was not empty {CATCH_UP_SECONDS} s after the run")
    return findings


@contextmanager
def mail_sink(root: Path, port: int) -> Iterator[MailSink]:
    sink = MailSink(root, port).start()
    try:
        yield sink
    finally:
        sink.stop()


@contextmanager
def process(started: subprocess.Popen, url: str = "") -> Iterator[subprocess.Popen]:
    """A server process, stopped (its whole group) at the end; waited for if it has a URL."""
    try:
        if url:
            wait_until_up(f"{url}/healthz", started)
        yield started
    finally:
        stop_server(started)


def gunicorn(environment: dict[str, str], site_url: str, folder: Path) -> subprocess.Popen:
    """The site as deploy/ serves it: gunicorn.conf.py, its workers, its access log format."""
    command = [
        str(VENV_BIN / "gunicorn"),
        "--config",
        str(ROOT / "deploy/gunicorn.conf.py"),
        "--bind",
        site_url.removeprefix("http://"),
        "--access-logfile",
        str(folder / "access.log"),
        "--error-logfile",
        str(folder / "gunicorn.log"),
    ]
    return subprocess.Popen(
        command, cwd=ROOT, env=environment, start_new_session=True, stdin=subprocess.DEVNULL
    )


def sender(environment: dict[str, str], folder: Path) -> subprocess.Popen:
    """`flask notify run`, as the Procfile starts it; its log in sender.log."""
    with (folder / "sender.log").open("wb") as log:
        return subprocess.Popen(
            [str(VENV_BIN / "flask"), "notify", "run"],
            cwd=ROOT,
            env=environment,
            start_new_session=True,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def run_locust(site_url: str, scenario: Path, folder: Path, users: int, seconds: int) -> Path:
    """locust headless, all `users` up within two seconds; the file of its statistics."""
    prefix = folder / "locust"
    command = [
        str(VENV_BIN / "locust"),
        "--locustfile",
        str(LOCUSTFILE),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(max(1, users // 2)),
        "--run-time",
        f"{seconds}s",
        "--stop-timeout",
        "20",
        "--host",
        site_url,
        "--json-file",
        str(prefix),
        "--skip-log",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
    ]
    environment = {**os.environ, "LOAD_SCENARIO": str(scenario), "PYTHONPATH": str(ROOT)}
    with (folder / "locust.out").open("wb") as log:
        subprocess.run(
            command,
            cwd=ROOT,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=seconds + 120,
            check=True,
        )
    return prefix.with_suffix(".json")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", help="a PostgreSQL URL; the run uses a database beside it")
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--keep", type=Path, help="keep logs, mail and statistics in this folder")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="briefwechsel-load-") as name:
        folder = arguments.keep or Path(name)
        folder.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{folder / 'load.sqlite'}"
        if arguments.postgres:
            url = site.own_postgres_database(arguments.postgres)
        try:
            findings = run_load(url, folder, arguments.users, arguments.seconds)
        finally:
            if arguments.postgres:
                site.drop_postgres_database(url, arguments.postgres)
    print(findings.table())
    print(
        f"{len(findings.published)} letters published, {len(findings.confirmed)} "
        f"subscriptions confirmed, {len(findings.unsubscribed)} left in one click"
    )
    for problem in findings.problems():
        print("PROBLEM:", problem)
    sys.exit(1 if findings.problems() else 0)


if __name__ == "__main__":
    main()
