"""A large site in minutes: colleagues, correspondences, tags, links, subscriptions and past
notices, written in bulk through the models (SQLAlchemy `insert()` of many rows at once).

bench/seed.py writes every letter through the services, as the write page does; that is the
honest path for 2,000 letters but takes hours for 100,000. Here the Markdown is rendered once
per distinct body (a pool of bodies, each letter adding a line of its own words), and every
table is filled with a few large statements. Everything grows with the number of letters:
one colleague per 160 letters, one topic tag per 100 (and six categories), one subscription
per two letters, a link in about a third of the letters and two past notices per letter.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, text
from werkzeug.security import generate_password_hash

from app.accounts.models import User
from app.discovery.models import LetterSuggestion
from app.discovery.search_index import INSERT_ROW, PG_VECTOR_INDEX, is_sqlite
from app.discovery.stems import name_stems, stemmed
from app.extensions import db
from app.letters.models import Language, Letter, LetterStatus
from app.links.models import LetterTag, Link, LinkKind, Tag
from app.notifications.models import LetterEvent
from app.outbox import DeliveryState, Notice, NoticeKind
from app.subscriptions.models import Frequency, Subscription, Target
from app.text.markdown import plain_excerpt, render_markdown
from app.text.slugs import slugify
from bench.seed import CATEGORIES, NAMES, TOPICS, paragraph, rare_word

PASSWORD = "bench-password-1"
BODIES = 400  # distinct bodies, each rendered once
LONGEST = 50
START = datetime(2020, 1, 1, tzinfo=UTC)
CHUNK = 2000  # rows per INSERT statement


@dataclass
class Body:
    source: str
    html: str
    excerpt: str
    stems: dict[str, tuple[str, str]] = field(default_factory=dict)  # by language


@dataclass
class Seeded:
    """What the benchmark reads: a letter in the middle of the longest correspondence, its
    root, the most used category, a busy author, and the counts."""

    letter_slug: str
    thread_slug: str
    tag_slug: str
    author_handle: str
    author_email: str
    counts: dict[str, int]


def body_pool(rng: random.Random) -> list[Body]:
    bodies = []
    for _ in range(BODIES):
        source = "\n\n".join(paragraph(rng) for _ in range(rng.randint(2, 4)))
        bodies.append(Body(source, render_markdown(source), plain_excerpt(source)))
    return bodies


def chunked(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def insert_all(model: Any, rows: list[dict[str, Any]]) -> None:
    for part in chunked(rows):
        db.session.execute(insert(model), part)


def user_rows(count: int) -> list[dict[str, Any]]:
    password_hash = generate_password_hash(PASSWORD)
    rows = []
    for number in range(1, count + 1):
        name = NAMES[(number - 1) % len(NAMES)]
        if number > len(NAMES):
            name = f"{name} {number}"
        rows.append({
            "id": number, "email": f"person{number}@example.org", "handle": f"person{number}",
            "display_name": name, "role_line": "Colleague", "bio": "", "bio_html": "",
            "password_hash": password_hash, "confirmed_at": START, "created_at": START,
        })  # fmt: skip
    return rows


def tag_rows(count: int) -> list[dict[str, Any]]:
    names = CATEGORIES + [f"{TOPICS[n % len(TOPICS)]} {n}" for n in range(count)]
    return [{"id": n, "name": name, "slug": slugify(name, "tag")}
            for n, name in enumerate(names, 1)]  # fmt: skip


class LetterWriter:
    """Builds the rows of the letters and of everything that hangs on them."""

    def __init__(self, rng: random.Random, people: int, tags: int) -> None:
        self.rng, self.people, self.topic_tags = rng, people, tags
        self.bodies = body_pool(rng)
        self.letters: list[dict[str, Any]] = []
        self.letter_tags: list[dict[str, Any]] = []
        self.links: list[dict[str, Any]] = []
        self.search_rows: list[dict[str, Any]] = []
        self.slugs: dict[str, int] = {}
        self.last_thread = False
        self.names = {n: NAMES[(n - 1) % len(NAMES)] + ("" if n <= len(NAMES) else f" {n}")
                      for n in range(1, people + 1)}  # fmt: skip

    def slug_for(self, title: str) -> str:
        """As the write page numbers them: the title's slug, then -2, -3 …"""
        base = slugify(title)
        number = self.slugs[base] = self.slugs.get(base, 0) + 1
        return base if number == 1 else f"{base}-{number}"

    def thread(self, number: int, size: int, started: datetime) -> None:
        rng = self.rng
        pair = [1, 2] if self.last_thread else rng.sample(range(1, self.people + 1), 2)
        topic = rng.choice(TOPICS)
        category = rng.randrange(len(CATEGORIES)) + 1
        topic_tag = len(CATEGORIES) + 1 + rng.randrange(self.topic_tags)
        root_id = len(self.letters) + 1
        title = f"On {topic}, letter {number}"
        for index in range(size):
            letter_id = len(self.letters) + 1
            author, addressee = pair[index % 2], pair[(index + 1) % 2]
            parent = None if index == 0 else (
                letter_id - 1 if rng.random() < 0.8 else rng.randrange(root_id, letter_id)
            )  # fmt: skip
            if parent is not None and self.letters[parent - 1]["author_id"] == author:
                author, addressee = addressee, author
            own_title = title if parent is None else f"Re: {title}"
            moment = started + timedelta(hours=index * 5)
            self.add_letter(letter_id, own_title, author, addressee, parent, root_id, moment)
            for position, tag_id in enumerate((category, topic_tag)):
                self.letter_tags.append({"letter_id": letter_id, "tag_id": tag_id,
                                         "position": position, "published_at": moment})  # fmt: skip
            self.add_links(letter_id, root_id)

    def add_letter(self, letter_id: int, title: str, author: int, addressee: int,
                   parent: int | None, root_id: int, moment: datetime) -> None:  # fmt: skip
        rng = self.rng
        # The benchmarked correspondence (the last) reads the same at every size.
        body = rng.choice(self.bodies)
        if self.last_thread:
            body = self.bodies[(letter_id - root_id) % BODIES]
        own = " ".join(rare_word(rng) for _ in range(12))
        language = Language.DE if rng.random() < 0.1 else Language.EN
        self.letters.append({
            "id": letter_id, "slug": self.slug_for(title), "title": title,
            "author_id": author, "addressee_id": addressee, "addressee_name": "",
            "salutation": f"Dear {self.names[addressee].split()[0]},",
            "body": f"{body.source}\n\n{own}", "body_html": f"{body.html}<p>{own}</p>\n",
            "excerpt": body.excerpt, "closing": "Best", "signature": self.names[author],
            "postscript": "", "postscript_html": "", "language": language,
            "status": LetterStatus.PUBLISHED, "created_at": moment, "published_at": moment,
            "in_reply_to_id": parent, "thread_root_id": root_id,
        })  # fmt: skip
        if body.stems.get(language) is None:
            body.stems[language] = stemmed(body.source, language)
        own_stems = stemmed(own, language)
        title_stems = stemmed(title, language)
        self.search_rows.append({
            "id": letter_id, "title": title_stems[0],
            "body": f"{body.stems[language][0]} {own_stems[0]}", "postscript": "",
            "names": name_stems(self.names[author], self.names[addressee]),
            "other": " ".join(part for part in (title_stems[1], body.stems[language][1],
                                                own_stems[1]) if part),
        })  # fmt: skip

    def add_links(self, letter_id: int, root_id: int) -> None:
        """About a third of the letters name an earlier letter: mentioned or related."""
        if root_id < 50 or self.rng.random() > 0.33:
            return
        target = self.rng.randrange(1, root_id)
        kind = LinkKind.MENTION if self.rng.random() < 0.5 else LinkKind.RELATED
        self.links.append({"letter_id": letter_id, "kind": kind, "target_letter_id": target,
                           "url": "", "label": "", "position": 0})  # fmt: skip
        if kind == LinkKind.RELATED:
            self.links.append({"letter_id": letter_id, "kind": LinkKind.RELATED,
                               "target_letter_id": None, "url": "https://example.org/essay",
                               "label": "An essay on this", "position": 1})  # fmt: skip

    def write(self, letters: int, longest: int) -> int:
        """Correspondences of 1–`longest` letters, the last one of exactly 50; returns its
        root."""
        number, started = 1, START
        while len(self.letters) < letters - LONGEST:
            size = min(self.rng.randint(1, longest), letters - LONGEST - len(self.letters))
            self.thread(number, size, started)
            number, started = number + 1, started + timedelta(minutes=self.rng.randint(20, 120))
        root, self.last_thread = len(self.letters) + 1, True
        self.rng = random.Random(LONGEST)  # its shape, too
        self.thread(number, LONGEST, started)
        return root


def suggestion_rows(writer: LetterWriter, rng: random.Random) -> list[dict[str, Any]]:
    """Stored "more letters": three letters of other correspondences with the same category."""
    by_category: dict[int, list[int]] = {}
    for row in writer.letter_tags:
        if row["position"] == 0:
            by_category.setdefault(row["tag_id"], []).append(row["letter_id"])
    rows = []
    for row in writer.letter_tags:
        if row["position"] == 0:
            pool = by_category[row["tag_id"]]
            for position, other in enumerate(dict.fromkeys(rng.sample(pool, min(4, len(pool))))):
                if other != row["letter_id"] and position < 3:
                    rows.append({"letter_id": row["letter_id"], "suggested_id": other,
                                 "position": position})  # fmt: skip
    return rows


def subscription_rows(count: int, letters: int, people: int, tags: int,
                      rng: random.Random) -> list[dict[str, Any]]:  # fmt: skip
    rows = []
    for number in range(1, count + 1):
        target = rng.choices(list(Target), weights=(2, 3, 3, 2))[0]
        target_id = {Target.SITE: 0, Target.AUTHOR: rng.randint(1, people),
                     Target.THREAD: rng.randint(1, letters),
                     Target.TAG: rng.randint(1, tags)}[target]  # fmt: skip
        rows.append({"id": number, "email": f"reader{number}@example.org", "target": target,
                     "target_id": target_id, "frequency": Frequency.INSTANT, "locale": "en",
                     "created_at": START, "confirmed_at": START})  # fmt: skip
    return rows


def past_notices(letters: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One fanned-out event per letter and two sent notices each: the outbox's history."""
    events = [{"id": n, "letter_id": n, "author_name": "", "created_at": START,
               "fanned_out_at": START} for n in range(1, letters + 1)]  # fmt: skip
    notices = [
        {"event_id": n, "recipient": f"reader{n * 2 + k}@example.org",
         "kind": NoticeKind.SUBSCRIPTION, "locale": "en", "letter_id": n,
         "state": DeliveryState.SENT, "attempts": 1, "next_attempt_at": START,
         "created_at": START, "sent_at": START, "letter_ids": "", "priority": 10,
         "claimed_by": "", "last_error": "", "message_id": ""}
        for n in range(1, letters + 1) for k in range(2)
    ]  # fmt: skip
    return events, notices


def seed_bulk(letters: int, seed: int = 20140917, longest: int = LONGEST) -> Seeded:
    """Fill the (empty, created) database of the current app context; commits.

    On PostgreSQL the search index is built after the letters are in, not row by row."""
    rng = random.Random(seed)
    people, topic_tags = max(len(NAMES), letters // 160), max(8, letters // 100)
    db.session.execute(insert(User), user_rows(people))
    tags = tag_rows(topic_tags)
    db.session.execute(insert(Tag), tags)
    writer = LetterWriter(rng, people, topic_tags)
    long_root = writer.write(letters, longest)
    postgres = not is_sqlite()
    if postgres:
        db.session.execute(text("DROP INDEX IF EXISTS ix_letters_search_vector"))
    insert_all(Letter, writer.letters)
    if postgres:
        db.session.execute(text(PG_VECTOR_INDEX))
    insert_all(LetterTag, writer.letter_tags)
    insert_all(Link, writer.links)
    insert_all(LetterSuggestion, suggestion_rows(writer, rng))
    insert_all(Subscription, subscription_rows(letters // 2, letters, people, len(tags), rng))
    events, notices = past_notices(letters)
    insert_all(LetterEvent, events)
    insert_all(Notice, notices)
    if is_sqlite():
        for part in chunked(writer.search_rows):
            db.session.execute(INSERT_ROW, part)
    else:
        for table, count in (
            ("users", people),
            ("tags", len(tags)),
            ("letters", letters),
            ("subscriptions", letters // 2),
            ("letter_events", letters),
        ):
            db.session.execute(text(f"SELECT setval('{table}_id_seq', {count})"))  # fmt: skip
        db.session.execute(text("SELECT setval('notifications_id_seq', "
                                "(SELECT max(id) FROM notifications))"))  # fmt: skip
    db.session.commit()
    analyze()
    middle = writer.letters[long_root - 1 + LONGEST // 2]
    author = writer.letters[long_root - 1]["author_id"]
    return Seeded(
        letter_slug=middle["slug"], thread_slug=writer.letters[long_root - 1]["slug"],
        tag_slug=tags[0]["slug"], author_handle=f"person{author}",
        author_email=f"person{author}@example.org",
        counts={"letters": letters, "colleagues": people, "tags": len(tags),
                "links": len(writer.links), "subscriptions": letters // 2,
                "notices": len(notices)},
    )  # fmt: skip


def analyze() -> None:
    """Fresh statistics (and PostgreSQL's visibility map, for index-only scans), as
    autovacuum or the sender's hourly ANALYZE (SQLite) give them on a site that grew over time.

    Then a checkpoint: the seed writes the whole site in one go, and the database would
    otherwise still be writing it out while the pages and writes are timed (PostgreSQL's
    checkpoint after a gigabyte of WAL; SQLite reading through a WAL as large as the site),
    which a site that grew letter by letter never does all at once.
    """
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            connection.execute(text("VACUUM ANALYZE"))
            connection.execute(text("CHECKPOINT"))
        else:
            connection.execute(text("ANALYZE"))
            connection.commit()
    if db.engine.dialect.name == "sqlite":  # outside a transaction, which BEGIN would open
        raw = db.engine.raw_connection()
        try:
            raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
