"""The load scenario's site: a migrated, seeded database and what locust needs to know of it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, delete, make_url, select, text, update

from app import create_app
from app.accounts.models import User
from app.accounts.service import create_user
from app.database import utc_now
from app.discovery.models import NeighbourRefresh
from app.extensions import db
from app.letters.models import Letter, LetterStatus
from app.links.models import Tag
from app.notifications.models import LetterEvent
from app.subscriptions.models import Frequency, Subscription, Target
from bench.seed import COMMON_WORDS, VOCABULARY, seed_letters

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "load-scenario"
PASSWORD = "load scenario password"
# One round instead of scrypt's full cost: sign-in is measured, not the hashing.
CHEAP_PASSWORD_HASH = "pbkdf2:sha256:1"
WRITERS = 32  # accounts; locust starts as many writers as the weights say, at most this
# Confirmed subscribers of every new letter, there all along: each published letter must
# have a notice for each of them in the outbox, sent.
WATCHERS = 3
WATCHER_ADDRESS = "watcher{}@example.org"


def settings(database_url: str) -> dict[str, Any]:
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": SECRET_KEY,
        "PASSWORD_HASH_METHOD": CHEAP_PASSWORD_HASH,
    }


def migrate(environment: dict[str, str]) -> None:
    """`flask db upgrade`, as a deployment creates its schema."""
    subprocess.run(
        [sys.executable, "-m", "flask", "db", "upgrade"],
        cwd=ROOT,
        env=environment,
        check=True,
        stdin=subprocess.DEVNULL,
        capture_output=True,
    )


def prepare(database_url: str, letters: int, folder: Path) -> Path:
    """Seed letters, writers and watchers; write the scenario file locust reads; its path."""
    seed_letters(database_url, letters, longest=30)
    app = create_app(settings(database_url))
    with app.app_context():
        writers = add_people()
        scenario = {
            **what_readers_find(),
            "writers": writers,
            "password": PASSWORD,
            "mail_folder": str(folder / "mail"),
            "record": str(folder / "record.jsonl"),
            "words": [*sorted(set(COMMON_WORDS)), *VOCABULARY[:300]],
        }
        db.session.remove()
        db.engine.dispose()
    path = folder / "scenario.json"
    path.write_text(json.dumps(scenario))
    return path


def add_people() -> list[str]:
    """The writers' accounts and the watchers; the seeded letters count as old news."""
    writers = [
        create_user(f"writer{number}@example.org", f"Writer {number}", PASSWORD).email
        for number in range(WRITERS)
    ]
    for number in range(WATCHERS):
        db.session.add(
            Subscription(
                email=WATCHER_ADDRESS.format(number),
                target=Target.SITE,
                target_id=0,
                frequency=Frequency.INSTANT,
                locale="en",
                confirmed_at=utc_now(),
            )
        )
    # The seeded letters are old news: no notices, and their neighbours' "more letters" stay
    # as they are (working them out for 240 letters first takes minutes on PostgreSQL).
    db.session.execute(update(LetterEvent).values(fanned_out_at=utc_now()))
    db.session.execute(delete(NeighbourRefresh))
    db.session.commit()
    return writers


def what_readers_find() -> dict[str, list[str]]:
    """The seeded letters, correspondences of more than one letter, colleagues and tags."""
    published = select(Letter.slug).where(Letter.status == LetterStatus.PUBLISHED)
    roots = select(Letter.thread_root_id).where(Letter.thread_root_id != Letter.id)
    return {
        "letters": list(db.session.scalars(published.order_by(Letter.id))),
        "threads": list(db.session.scalars(select(Letter.slug).where(Letter.id.in_(roots)))),
        "handles": list(db.session.scalars(select(User.handle))),
        "tags": list(db.session.scalars(select(Tag.slug))),
    }


def own_postgres_database(base_url: str, suffix: str = "load") -> str:
    """A new, empty database beside the one `base_url` names (dropped first if it is left)."""
    base = make_url(base_url)
    own = base.set(database=f"{base.database}_{suffix}")
    run_as_admin(base_url, f'DROP DATABASE IF EXISTS "{own.database}" WITH (FORCE)')
    run_as_admin(base_url, f'CREATE DATABASE "{own.database}"')
    return own.render_as_string(hide_password=False)


def drop_postgres_database(url: str, base_url: str) -> None:
    run_as_admin(base_url, f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


def run_as_admin(base_url: str, statement: str) -> None:
    engine = create_engine(
        make_url(base_url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
    )
    with engine.connect() as connection:
        connection.execute(text(statement))
    engine.dispose()


def environment(database_url: str, site_url: str, smtp_port: int, folder: Path) -> dict[str, str]:
    """The settings every process of the site reads, as a deployment sets them."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(
            (
                "MAIL_",
                "DATABASE_",
                "REDIS_",
                "SQLALCHEMY_",
                "PAGE_",
                "SITE_",
                "GUNICORN_",
                "WEB_CONCURRENCY",
            )
        )
    }
    return {
        **inherited,
        "FLASK_APP": "app",
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET_KEY,
        "SITE_URL": site_url,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
        "MAIL_DEFAULT_SENDER": "briefe@example.org",
        # The simulated people send their own addresses in X-Forwarded-For.
        "TRUSTED_PROXIES": "1",
        "PROMETHEUS_MULTIPROC_DIR": str(folder / "metrics"),
    }
