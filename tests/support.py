"""What tests share besides fixtures: settings, signing in, forms, mail and clients.

Fixtures live in conftest.py files; they and the tests import everything else from here.
"""

from __future__ import annotations

import contextvars
import functools
import os
import re
import shutil
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from jinja2.bccache import Bucket, BytecodeCache
from sqlalchemy import create_engine, make_url, select, text
from werkzeug.test import TestResponse, encode_multipart

from app import create_app
from app.accounts.models import User
from app.extensions import db
from app.letters.models import Language, Letter
from app.letters.related import RelatedInput
from app.letters.service import LetterDraft, save_letter
from app.mail import parse_raw
from app.notifications.models import MailboxMessage
from app.notifications.sender import run_once
from app.outbox import Notice

PASSWORD = "correct horse battery"
# One round instead of scrypt's full cost: tests create hundreds of accounts.
CHEAP_PASSWORD_HASH = "pbkdf2:sha256:1"
SITE_URL = "https://briefe.example.org"

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
POSTGRES_SKIP_REASON = "PostgreSQL tests need TEST_DATABASE_URL (e.g. postgresql://127.0.0.1/test)"
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgres",
        id="postgres",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(not POSTGRES_URL, reason=POSTGRES_SKIP_REASON),
        ],
    ),
]


# The application and its database


def database_url(backend: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite'}"
    return postgres_url_of_this_worker()


@functools.cache
def postgres_url_of_this_worker() -> str:
    """TEST_DATABASE_URL, or under pytest-xdist a database of this worker's own beside it.

    Workers that shared one database would drop each other's tables; a database per worker
    lets the PostgreSQL tests spread over every core. It is created on first use (the role
    needs CREATEDB) and emptied by each test, like the one it is named after.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or not POSTGRES_URL:  # without it the PostgreSQL tests skip
        return POSTGRES_URL
    base = make_url(POSTGRES_URL)
    own = base.set(database=f"{base.database}_{worker}")
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own.database}
        )
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{own.database}"'))
    engine.dispose()
    return own.render_as_string(hide_password=False)


def config_for_tests(url: str, **overrides: Any) -> dict[str, Any]:
    """A configuration that depends on nothing in the developer's environment."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": url,
        "SITE_URL": SITE_URL,
        "MAIL_SERVER": "",
        "MAIL_DEFAULT_SENDER": "briefwechsel@example.org",
        "MAIL_SUPPRESS_SEND": False,  # TESTING would otherwise keep mail from the SMTP server
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        # No imprint or privacy files of a developer's own instance folder in the tests.
        "LEGAL_FOLDER": "/nonexistent/briefwechsel-legal-pages",
        "OPEN_REGISTRATION": False,
        "SESSION_COOKIE_SECURE": False,
        "PASSWORD_HASH_METHOD": CHEAP_PASSWORD_HASH,
        # Sign-up and reset answer at once; the tests of equal answer times set the floor.
        "REGISTER_ANSWER_SECONDS": 0,
        "RESET_ANSWER_SECONDS": 0,
        # Letters in tests link to real sites (example.org, a video): never told from here.
        "WEBMENTION_SEND": False,
        **overrides,
    }


class CompiledTemplates(BytecodeCache):
    """Jinja's compiled templates, kept in memory for every app of the test run.

    Each test builds its own app, whose Jinja environment would compile again every template
    it renders: a good part of the suite's time. The code is the same for every app (the
    same templates, the same settings); Jinja checks each template's source before reuse.
    """

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


def app_for_tests(url: str, **overrides: Any) -> Flask:
    """The app with the test configuration, sharing compiled templates with the others."""
    app = create_app(config_for_tests(url, **overrides))
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    return app


@contextmanager
def fresh_database(app: Flask, schema: Path | None = None) -> Iterator[None]:
    """An app context on an empty schema; a server database is emptied again afterwards.

    `schema` is a SQLite file holding the empty schema: when the app's own SQLite file does
    not exist yet, a copy of it is quicker than creating the tables. A SQLite file is left as
    it is at the end: it lives in the test's own folder.
    """
    database = sqlite_file(app)
    with app.app_context():
        if schema is not None and database is not None and not database.exists():
            shutil.copyfile(schema, database)
        else:
            empty_schema()
            db.create_all()
        yield
        db.session.remove()
        if database is None:
            empty_schema()
        db.engine.dispose()


def empty_schema() -> None:
    """The models' tables dropped, and the migrations' version table with them: a test that
    migrated the database leaves it behind, and a later test on this worker's database would
    take its create_all schema for a migrated one."""
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def sqlite_file(app: Flask) -> Path | None:
    """The file of the app's SQLite database, or None for a server database."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    return Path(url.database) if url.get_backend_name() == "sqlite" and url.database else None


class QueryCounter:
    """The SQL statements seen inside a `with count_queries() as counter:` block."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


# Clients and signing in


def write_letter(author: User, addressee: User | None, title: str, **fields: Any) -> Letter:
    """A letter written through the service, committed: published unless `publish=False`.

    Optional fields: body, postscript, tags (names), related (a RelatedInput or slugs),
    parent (the letter answered) and addressee_name (for someone outside).
    """
    related = fields.pop("related", RelatedInput())
    draft = LetterDraft(
        title=title,
        salutation="",
        body=str(fields.pop("body", "Some text.")),
        closing="Best",
        signature=author.greeting_name,
        postscript=str(fields.pop("postscript", "")),
        language=Language.EN,
        addressee=addressee,
        addressee_name="" if addressee else str(fields.pop("addressee_name", "Readers")),
        tags=list(fields.pop("tags", [])),
        related=related if isinstance(related, RelatedInput) else RelatedInput(slugs=list(related)),
    )
    publish = bool(fields.pop("publish", True))
    letter = save_letter(author, draft, publish, in_reply_to=fields.pop("parent", None))
    db.session.commit()
    return letter


def sign_in(
    client: FlaskClient,
    user: User,
    password: str = PASSWORD,
    *,
    remember: bool = False,
    **request: Any,
) -> TestResponse:
    """Sign in through the real login form, with the page's CSRF token where the app asks one.

    For tests that need someone signed in; tests of the login form itself post to it.
    """
    data = {"email": user.email, "password": password}
    if remember:
        data["remember"] = "y"
    if client.application.config.get("WTF_CSRF_ENABLED", True):
        data["csrf_token"] = csrf_token_from(
            client.get("/auth/login", **request).get_data(as_text=True)
        )
    response = client.post("/auth/login", data=data, **request)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def can_sign_in(app: Flask, email: str, password: str) -> bool:
    """Whether the login form accepts this address and password, tried from a new browser."""
    response = app.test_client().post("/auth/login", data={"email": email, "password": password})
    return response.status_code == 302


class ServerLikeClient(FlaskClient):
    """A test client whose every request runs as under a server: in a fresh app context.

    The shared fixtures keep an app context pushed for the whole test, and Flask reuses it for
    each request, so `g` (the signed-in user, the CSRF token) and the database session's
    identity map would carry over from request to request, and even from one client to
    another, hiding queries and mixing up who is signed in.
    """

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        # End the test's own transaction first: on SQLite it holds the write lock.
        db.session.commit()
        return contextvars.Context().run(super().open, *args, **kwargs)


def server_like_client(app: Flask) -> ServerLikeClient:
    return ServerLikeClient(app, app.response_class, use_cookies=True)


# Forms and pages


def letter_form(**fields: str) -> dict[str, str]:
    """Everything the write form sends when a writer publishes a letter to someone outside."""
    data = {
        "addressee": "",
        "addressee_name": "Ada Lovelace",
        "language": "en",
        "title": "On listening",
        "salutation": "",
        "body": "First paragraph.\n\nSecond paragraph.",
        "closing": "Best",
        "signature": "Sven",
        "postscript": "",
        "publish": "Publish",
    }
    data.update(fields)
    return data


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)


def multipart(fields: dict[str, Any]) -> dict[str, Any]:
    """A multipart/form-data body built in memory.

    The test client spools large multipart bodies to a temporary file that nobody closes when
    the app refuses the request early, and pytest turns that ResourceWarning into an error.
    """
    boundary, body = encode_multipart(fields)
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def assert_styled(response: TestResponse, status: int) -> str:
    """The response has the status and is a page of the site (its layout), not a bare error."""
    html = response.get_data(as_text=True)
    assert response.status_code == status, html[:2000]
    assert response.mimetype == "text/html"
    assert 'class="site-header"' in html and '<main id="main">' in html, html[:2000]
    return html


# Notices and mail


def deliver_outbox() -> int:
    """Send what the outbox holds, as `flask notify run --once` does (needs an app context)."""
    if not has_app_context():
        return 0
    sent = run_once()
    db.session.expire_all()
    return sent


def all_notices() -> list[Notice]:
    return list(db.session.scalars(select(Notice).order_by(Notice.id)))


def mailbox_messages() -> list[EmailMessage]:
    """What the development mailbox kept (no MAIL_SERVER), oldest first, once sent."""
    deliver_outbox()
    rows = db.session.scalars(select(MailboxMessage).order_by(MailboxMessage.id))
    return [parse_raw(row.raw) for row in rows]


def text_of(message: EmailMessage) -> str:
    """The plain text a person wrote the mail for, without the footer every mail carries."""
    part = message.get_body(preferencelist=("plain",))
    return without_footer(part.get_content()) if part else ""


def without_footer(text: str) -> str:
    """A mail's text up to its footer (site, imprint, privacy), which tests of their own check."""
    body, separator, _footer = text.replace("\r\n", "\n").rpartition("\n\n-- \n")
    return body if separator else text


SITE_LINK = re.compile(re.escape(SITE_URL) + r"/\S+")


def link_in(text: str) -> str:
    """The one site link a mail's text carries, as a path the test client can open."""
    links = SITE_LINK.findall(without_footer(text))
    assert len(links) == 1, f"expected one link in the mail, found {links}"
    return links[0].removeprefix(SITE_URL)


def occupy_a_worker(port: int) -> socket.socket:
    """A request whose last line has not been sent: the worker that took it waits for it."""
    connection = socket.create_connection(("127.0.0.1", port), timeout=30)
    connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    return connection


def redis_answers() -> bool:
    """Whether Redis listens on its usual port (tests that need it skip otherwise)."""
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True
