"""What the load scenario checks once the people have gone and the sender has caught up."""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from app.accounts.models import User
from app.extensions import db
from app.letters.models import Letter, LetterStatus
from app.notifications.models import LetterEvent
from app.outbox import DeliveryState, Notice
from app.subscriptions.models import Subscription
from bench.load.mailsink import mails_to, text_of
from bench.load.site import WATCHER_ADDRESS, WATCHERS

STATUS = re.compile(r'"[A-Z]+ \S+ HTTP/[\d.]+" (\d{3}) ')
UNFINISHED = (DeliveryState.PENDING, DeliveryState.SENDING)


@dataclass
class Row:
    """One kind of request in locust's statistics."""

    kind: str
    name: str
    count: int
    failures: int
    p50: int
    p99: int


@dataclass
class Findings:
    rows: list[Row] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    locked: list[str] = field(default_factory=list)
    tracebacks: list[str] = field(default_factory=list)
    published: list[dict[str, str]] = field(default_factory=list)
    confirmed: list[str] = field(default_factory=list)
    unsubscribed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        """Everything a user would have been let down by; empty when the run was clean."""
        server_errors = {code: n for code, n in self.statuses.items() if code >= 500}
        return [
            *(f"{count} responses {code}" for code, count in sorted(server_errors.items())),
            *(f"locust: {failure}" for failure in self.failures),
            *(f'"database is locked" in {line}' for line in self.locked),
            *(f"traceback in {where}" for where in self.tracebacks),
            *self.missing,
        ]

    def table(self) -> str:
        lines = [f"{'type':5} {'request':40} {'count':>6} {'fail':>5} {'p50 ms':>7} {'p99 ms':>7}"]
        lines += [
            f"{r.kind:5} {r.name[:40]:40} {r.count:6d} {r.failures:5d} {r.p50:7d} {r.p99:7d}"
            for r in self.rows
        ]
        return "\n".join(lines)


def read_locust(path: Path, findings: Findings) -> None:
    """Requests, failures, p50 and p99 per request kind, from locust's final statistics."""
    everything: Counter[int] = Counter()
    for entry in sorted(
        json.loads(path.read_text()), key=lambda e: (e["method"] != "MAIL", e["name"], e["method"])
    ):
        times = Counter({int(ms): count for ms, count in entry["response_times"].items()})
        everything.update(times)
        findings.rows.append(row(entry["method"], entry["name"], times, entry["num_failures"]))
    failures = sum(r.failures for r in findings.rows)
    findings.rows.append(row("", "all requests", everything, failures))


def row(kind: str, name: str, times: Counter[int], failures: int) -> Row:
    count = sum(times.values())
    return Row(kind, name, count, failures, percentile(times, 0.5), percentile(times, 0.99))


def percentile(times: Counter[int], share: float) -> int:
    """The time within which `share` of the requests were answered (in ms, as locust rounds)."""
    wanted, seen = share * sum(times.values()), 0
    for milliseconds in sorted(times):
        seen += times[milliseconds]
        if seen >= wanted:
            return milliseconds
    return 0


def read_logs(folder: Path, findings: Findings) -> None:
    """Statuses from the access log; "database is locked" and tracebacks anywhere."""
    for line in (folder / "access.log").read_text(errors="replace").splitlines():
        if match := STATUS.search(line):
            findings.statuses[int(match.group(1))] += 1
    for path in sorted(folder.glob("*.log")):
        for line in path.read_text(errors="replace").splitlines():
            if "database is locked" in line.lower():
                findings.locked.append(f"{path.name}: {line.strip()[:300]}")
            if line.startswith("Traceback"):
                findings.tracebacks.append(path.name)


def read_record(path: Path, findings: Findings) -> None:
    """What the simulated people did: letters published, subscriptions confirmed and left."""
    lists = {
        "published": findings.published,
        "confirmed": findings.confirmed,
        "unsubscribed": findings.unsubscribed,
        "failure": findings.failures,
    }
    if not path.exists():
        return
    for line in path.read_text().splitlines():
        entry = json.loads(line)
        kind = entry.pop("kind")
        lists[kind].append(entry if kind == "published" else entry.popitem()[1])


def outbox_settled(app: Flask) -> bool:
    """No event waits for its fan-out and no notice for its sending."""
    with app.app_context():
        waiting = db.session.scalar(
            select(func.count()).select_from(LetterEvent).where(LetterEvent.fanned_out_at.is_(None))
        )
        unsent = db.session.scalar(
            select(func.count()).select_from(Notice).where(Notice.state.in_(UNFINISHED))
        )
        db.session.remove()
    return waiting == 0 and unsent == 0


def wait_for_outbox(app: Flask, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if outbox_settled(app):
            return True
        time.sleep(0.5)
    return False


def check_letters(app: Flask, site: str, mail: Path, findings: Findings) -> None:
    """Each published letter shows on its page, and its notices were written and sent."""
    watchers = [WATCHER_ADDRESS.format(number) for number in range(WATCHERS)]
    told = {address: mail_links(mail, address) for address in watchers}
    with app.app_context():
        for entry in findings.published:
            findings.missing += page_problems(site, entry)
            findings.missing += notice_problems(entry, watchers)
            findings.missing += [
                f"{entry['slug']}: no mail to {address}"
                for address in watchers
                if entry["slug"] not in told[address]
            ]
        findings.missing += subscription_problems(findings.unsubscribed)
        db.session.remove()


def mail_links(mail: Path, address: str) -> set[str]:
    """The letters the mails to `address` link to."""
    return {
        slug
        for message in mails_to(mail, address)
        for slug in re.findall(r"/letters/([\w-]+)", text_of(message))
    }


def page_problems(site: str, entry: dict[str, str]) -> list[str]:
    try:
        with urllib.request.urlopen(f"{site}/letters/{entry['slug']}", timeout=30) as answer:
            page = answer.read().decode()
    except urllib.error.HTTPError as error:
        return [f"{entry['slug']}: its page answers {error.code}"]
    return [] if entry["title"] in page else [f"{entry['slug']}: its page lacks its title"]


def notice_problems(entry: dict[str, str], watchers: list[str]) -> list[str]:
    """The addressee, the answered letter's author and the watchers each have a sent notice."""
    slug = entry["slug"]
    letter = db.session.scalar(select(Letter).where(Letter.slug == slug))
    if letter is None or letter.status != LetterStatus.PUBLISHED:
        return [f"{slug}: not a published letter"]
    expected = set(watchers)
    parent = db.session.get(Letter, letter.in_reply_to_id) if letter.in_reply_to_id else None
    if entry["parent"] and (parent is None or parent.slug != entry["parent"]):
        return [f"{slug}: does not answer {entry['parent']}"]
    for user_id in {letter.addressee_id, parent.author_id if parent else None} - {None}:
        if user_id != letter.author_id:
            expected.add(db.session.get(User, user_id).email)
    notices = db.session.execute(
        select(Notice.recipient, Notice.state).where(Notice.letter_id == letter.id)
    ).all()
    sent = {recipient for recipient, state in notices if state == DeliveryState.SENT}
    return [
        f"{slug}: no sent notice to {address} ({dict(notices).get(address, 'none')})"
        for address in sorted(expected - sent)
    ]


def subscription_problems(unsubscribed: list[str]) -> list[str]:
    """Who left in one click has no subscription left."""
    if not unsubscribed:
        return []
    left = db.session.scalars(
        select(Subscription.email).where(Subscription.email.in_(unsubscribed))
    )
    return [f"{address} is still subscribed after unsubscribing" for address in left]
