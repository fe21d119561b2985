"""1,000 replies through the LMTP listener: how many are taken a second, how soon each draft
is there after its 250, and how much memory the listener takes.

    .venv/bin/python bench/inbound.py [--replies 1000] [--connections 4]

The listener runs as `flask mail lmtp` does in production, in a process of its own, on a
temporary SQLite file; the replies are sent over LMTP as Postfix would. Aims (issue 12):
at least 50 taken a second, every draft readable within 1 s of its 250, the listener's
peak memory (VmHWM) under 150 MB. Beside the rate it prints the listener's CPU time (user +
system, from /proc) per reply, which other work on a shared machine moves much less than the
rate; bench/profile_inbound.py shows where that time goes.
"""

from __future__ import annotations

import argparse
import os
import smtplib
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from email.message import EmailMessage
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from app.accounts.service import create_user  # noqa: E402
from app.extensions import db  # noqa: E402
from app.letters.models import Language  # noqa: E402
from app.letters.service import LetterDraft, save_letter  # noqa: E402
from app.notifications.reply_address import reply_address, reply_token  # noqa: E402
from app.outbox import DeliveryState, Notice, NoticeKind  # noqa: E402

DOMAIN = "replies.example.org"
SECRET = "bench-secret-key-bench-secret-key-0123456789"


def seed(url: str) -> str:
    """Sven's letter to Svenja and the notice she got: the address she replies to."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET, "REPLY_DOMAIN": DOMAIN,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1"})  # fmt: skip
    with app.app_context():
        db.create_all()
        sven = create_user("sven@example.org", "Sven Albrecht", "a long password 1")
        svenja = create_user("svenja@example.org", "Svenja Köhler", "a long password 2")
        draft = LetterDraft("Über Zuhören", "", "Ein Brief.", "Gruß", "Sven", "", Language.DE,
                            svenja, "")  # fmt: skip
        letter = save_letter(sven, draft, publish=True)
        notice = Notice(recipient=svenja.email, kind=NoticeKind.LETTER_TO_YOU, letter_id=letter.id,
                        user_id=svenja.id, state=DeliveryState.SENT)  # fmt: skip
        db.session.add(notice)
        db.session.flush()
        address = reply_address(reply_token(notice.id, letter.id))
        db.session.commit()
        db.engine.dispose()
    return address


def reply(address: str, number: int) -> bytes:
    message = EmailMessage()
    message["From"] = "Svenja Köhler <svenja@example.org>"
    message["To"] = address
    message["Subject"] = "Re: Über Zuhören"
    message["Message-ID"] = f"<bench-{number}@client.example>"
    message.set_content(
        f"Lieber Sven,\n\nAntwort Nummer {number}: danke für deinen Brief.\n\n"
        "Viele Grüße\nSvenja\n\nAm 03.03.25 um 10:00 schrieb Sven Albrecht:\n> Liebe Svenja,\n"
    )
    return message.as_bytes().replace(b"\n", b"\r\n")


def start_listener(url: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "FLASK_APP": "app", "DATABASE_URL": url, "SECRET_KEY": SECRET,
           "REPLY_DOMAIN": DOMAIN, "MAIL_SERVER": ""}  # fmt: skip
    command = [sys.executable, "-m", "flask", "mail", "lmtp", "--port", str(port)]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with smtplib.LMTP("127.0.0.1", port) as client:
                client.ehlo()
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the listener did not start")


def send_share(address: str, port: int, numbers: range, database: Path, delays: list[float]):
    """Send replies on one connection; after each 250, wait until its draft can be read."""
    reader = sqlite3.connect(database)
    with smtplib.LMTP("127.0.0.1", port) as client:
        client.ehlo()
        for number in numbers:
            client.mail("svenja@example.org")
            client.rcpt(address)
            code, text = client.data(reply(address, number))
            if code != 250:
                raise SystemExit(f"reply {number}: {code} {text!r}")
            answered = time.monotonic()
            delays.append(time_until_draft(reader, f"<bench-{number}@client.example>", answered))
    reader.close()


def time_until_draft(reader: sqlite3.Connection, key: str, since: float) -> float:
    query = (
        "SELECT l.status FROM inbound_replies r JOIN letters l ON l.id = r.draft_id"
        " WHERE r.message_key = ?"
    )
    while time.monotonic() - since < 5:
        if reader.execute(query, (key,)).fetchone():
            return time.monotonic() - since
        time.sleep(0.005)
    return float("inf")


def cpu_seconds(pid: int) -> float:
    """The process's user + system time so far (/proc/<pid>/stat, fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_memory_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replies", type=int, default=1000)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--port", type=int, default=18024)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.sqlite"
        url = f"sqlite:///{database}"
        address = seed(url)
        listener = start_listener(url, options.port)
        delays: list[float] = []
        shares = [
            range(i, options.replies, options.connections) for i in range(options.connections)
        ]
        arguments = [(address, options.port, share, database, delays) for share in shares]
        threads = [threading.Thread(target=send_share, args=args) for args in arguments]
        cpu_before = cpu_seconds(listener.pid)
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.monotonic() - started
        cpu = cpu_seconds(listener.pid) - cpu_before
        memory = peak_memory_mb(listener.pid)
        listener.terminate()
        listener.wait(timeout=30)
    report(options.replies, seconds, cpu, delays, memory)


def report(replies: int, seconds: float, cpu: float, delays: list[float], memory: float) -> None:
    rate = len(delays) / seconds
    worst = max(delays) if delays else float("inf")
    p99 = statistics.quantiles(delays, n=100)[98] if len(delays) > 1 else worst
    print(f"replies taken        {len(delays)} of {replies} in {seconds:.1f} s")
    print(f"taken per second     {rate:.1f}   (aim: at least 50)")
    # The listener's own CPU time: what the rate would be on a quiet core, whatever else runs.
    per_reply = max(cpu / max(len(delays), 1), 1e-6)
    print(f"listener CPU a reply {per_reply * 1000:.1f} ms   (at most {1 / per_reply:.0f} a second"
          " on one free core)")  # fmt: skip
    print(
        f"draft after its 250  p99 {p99 * 1000:.1f} ms, worst {worst * 1000:.1f} ms"
        "   (aim: within 1 s)"
    )
    print(f"listener peak memory {memory:.1f} MB   (aim: under 150 MB)")
    ok = rate >= 50 and worst <= 1 and memory < 150 and len(delays) == replies
    print("all aims met" if ok else "AIM MISSED")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
