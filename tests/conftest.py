"""Shared fixtures: an application per test on SQLite and (with TEST_DATABASE_URL) PostgreSQL."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, g, has_app_context, request_started
from flask.testing import FlaskClient
from sqlalchemy import event

from app import create_app
from app.accounts.models import User
from app.accounts.service import create_user
from app.database import utc_now
from app.extensions import db
from app.letters.models import Language, Letter
from app.letters.service import LetterDraft, save_letter
from app.notifications.sender import run_once
from app.subscriptions.models import Frequency, Subscription, Target

PASSWORD = "correct horse battery"
# One round instead of scrypt's full cost: tests create hundreds of accounts.
CHEAP_PASSWORD_HASH = "pbkdf2:sha256:1"
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


def database_url(backend: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite'}"
    return POSTGRES_URL


def test_config(url: str, **overrides: Any) -> dict[str, Any]:
    """A configuration that depends on nothing in the developer's environment."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": url,
        "SITE_URL": "https://briefe.example.org",
        "MAIL_SERVER": "",
        "MAIL_DEFAULT_SENDER": "briefwechsel@example.org",
        "MAIL_SUPPRESS_SEND": False,  # TESTING would otherwise keep mail from the SMTP server
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "OPEN_REGISTRATION": False,
        "SESSION_COOKIE_SECURE": False,
        "PASSWORD_HASH_METHOD": CHEAP_PASSWORD_HASH,
        **overrides,
    }


@contextmanager
def fresh_database(app: Flask) -> Iterator[None]:
    with app.app_context():
        db.drop_all()
        db.create_all()
        yield
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def fresh_globals_per_request() -> Iterator[None]:
    """Give every request an empty `g`, as production does.

    The test's app context stays open for the whole test, and Flask reuses it for every
    request: without this, the signed-in user, the CSRF token and the locale would leak
    from one request (or one client) into the next.
    """

    def clear(_sender: Flask, **_extra: object) -> None:
        for name in list(g):
            g.pop(name)

    request_started.connect(clear, weak=False)
    yield
    request_started.disconnect(clear)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def app_factory(backend: str, tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """Build an app with extra settings; its database is fresh and removed afterwards."""
    stack: list[Any] = []

    def build(**overrides: Any) -> Flask:
        app = create_app(test_config(database_url(backend, tmp_path), **overrides))
        context = fresh_database(app)
        context.__enter__()
        stack.append(context)
        return app

    yield build
    for context in reversed(stack):
        context.__exit__(None, None, None)


@pytest.fixture
def app(app_factory: Callable[..., Flask]) -> Flask:
    return app_factory()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def make(name: str | None = None, **fields: Any) -> User:
        number = next(counter)
        name = name or f"Colleague {number}"
        email = fields.pop("email", f"person{number}@example.org")
        is_admin = fields.pop("is_admin", False)
        confirmed = fields.pop("confirmed", True)
        user = create_user(
            email,
            name,
            PASSWORD,
            is_admin=is_admin,
            confirmed=confirmed,
            handle=fields.pop("handle", None),
        )
        for key, value in fields.items():
            setattr(user, key, value)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_letter(app: Flask) -> Callable[..., Letter]:
    def make(
        author: User,
        addressee: User | None = None,
        *,
        publish: bool = True,
        parent: Letter | None = None,
        **fields: Any,
    ) -> Letter:
        draft = LetterDraft(
            title=fields.pop("title", "A letter"),
            salutation=fields.pop("salutation", ""),
            body=fields.pop("body", "The body of the letter."),
            closing=fields.pop("closing", "Best"),
            signature=fields.pop("signature", author.greeting_name),
            postscript=fields.pop("postscript", ""),
            language=Language(fields.pop("language", "en")),
            addressee=addressee,
            addressee_name=fields.pop("addressee_name", "" if addressee else "Someone Outside"),
        )
        return save_letter(author, draft, publish=publish, in_reply_to=parent)

    return make


def login(client: FlaskClient, user: User, password: str = PASSWORD) -> None:
    """Sign in through the real login form."""
    response = client.post("/auth/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)


@pytest.fixture
def signed_in(client: FlaskClient) -> Callable[[User], FlaskClient]:
    def sign_in(user: User) -> FlaskClient:
        login(client, user)
        return client

    return sign_in


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app: Flask) -> Callable[[], Any]:
    """Count the SQL statements run inside a `with count_queries() as counter:` block."""

    @contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()

        def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            if not re.match(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)", statement, re.I):
                counter.statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", record)

    return counting


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)


@pytest.fixture
def mail_server() -> Iterator[Any]:
    """A running SMTP server; build the app with `app_factory(**mail_server.settings)`."""
    from tests.mailserver import MailServer

    server = MailServer().start()
    server.inbox.run_sender = deliver_outbox
    yield server
    server.stop()


def deliver_outbox() -> int:
    """Send what the outbox holds, as `flask notify run --once` does (needs an app context)."""
    if not has_app_context():
        return 0
    sent = run_once()
    db.session.expire_all()
    return sent


@pytest.fixture
def send_notices(app: Flask) -> Callable[[], int]:
    """Run the sender once, as `flask notify run --once` does."""

    return deliver_outbox


@pytest.fixture
def subscribe(app: Flask) -> Callable[..., Subscription]:
    """A confirmed subscription, as if the confirmation link had been followed."""

    def make(
        email: str,
        target: Target = Target.SITE,
        target_id: int = 0,
        frequency: Frequency = Frequency.INSTANT,
        **fields: Any,
    ) -> Subscription:
        fields.setdefault("confirmed_at", utc_now())
        subscription = Subscription(
            email=email, target=target, target_id=target_id, frequency=frequency, **fields
        )
        db.session.add(subscription)
        db.session.commit()
        return subscription

    return make


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
