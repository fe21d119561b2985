"""A letter on one Briefwechsel site answers a letter on another: two sites served on loopback.

Each site has its own database and address. A colleague on site A publishes a letter whose
related discussion is a letter on site B; A's sender finds B's endpoint and tells it; B's
sender reads A's letter, its microformats name the answered letter and the author; once B's
admin approved A, B's correspondence shows A's letter as an answer from another site.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from flask import Flask
from sqlalchemy import create_engine, make_url, select, text

from app.accounts.models import User
from app.accounts.service import create_user
from app.extensions import db
from app.letters.models import Language
from app.letters.service import LetterDraft, save_letter
from app.notifications.sender import run_once
from app.webmentions.models import ReceivedWebmention, SendState, SentWebmention
from tests.browser.live_server import LiveServer
from tests.support import PASSWORD, app_for_tests, fresh_database, letter_form, sign_in
from tests.support import postgres_url_of_this_worker as postgres_url
from tests.webmentions.conftest import SETTINGS


@dataclass
class Site:
    app: Flask
    url: str


@functools.cache
def second_postgres_url() -> str:
    """A database beside the test's own, for the second site (created on first use)."""
    base = make_url(postgres_url())
    own = base.set(database=f"{base.database}_second_site")
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        if not connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                 {"name": own.database}):  # fmt: skip
            connection.execute(text(f'CREATE DATABASE "{own.database}"'))
    engine.dispose()
    return own.render_as_string(hide_password=False)


@contextmanager
def serving(database_url: str, host: str) -> Iterator[Site]:
    """A site of its own: fresh database, served on a free port, named `http://host:port`."""
    app = app_for_tests(database_url, **SETTINGS)
    server = LiveServer(app)
    url = server.url.replace("127.0.0.1", host)
    app.config["SITE_URL"] = url
    with fresh_database(app):
        db.session.remove()
        server.start()
        try:
            yield Site(app, url)
        finally:
            server.stop()


@pytest.fixture
def sites(backend: str, tmp_path: Path) -> Iterator[tuple[Site, Site]]:
    """Site A (named localhost) and site B (named 127.0.0.1), each on its own database."""
    if backend == "sqlite":
        urls = [f"sqlite:///{tmp_path / 'a.sqlite'}", f"sqlite:///{tmp_path / 'b.sqlite'}"]
    else:
        urls = [postgres_url(), second_postgres_url()]
    with ExitStack() as stack:
        first = stack.enter_context(serving(urls[0], "localhost"))
        second = stack.enter_context(serving(urls[1], "127.0.0.1"))
        yield first, second


def run_sender(site: Site) -> None:
    """`flask notify run --once` on the site."""
    with site.app.app_context():
        run_once()
        db.session.remove()


def test_a_letter_on_one_site_answers_a_letter_on_another(sites):
    site_a, site_b = sites
    with site_b.app.app_context():
        bea = create_user("bea@example.org", "Bea Brandt", PASSWORD, handle="bea")
        create_user("admin@example.org", "Ada Admin", PASSWORD, is_admin=True, handle="ada")
        draft = LetterDraft("A question", "", "What do you think?", "", "", "", Language.EN,
                            None, "Everyone")  # fmt: skip
        question = f"{site_b.url}/letters/{save_letter(bea, draft, publish=True).slug}"
        db.session.commit()
        db.session.remove()

    with site_a.app.app_context():
        writer = site_a.app.test_client()
        sign_in(writer, create_user("sven@example.org", "Sven Albrecht", PASSWORD, handle="sven"))
        form = letter_form(title="My answer", body="Here is what I think.", signature="Sven")
        form["related"] = f"{question} Bea's question"
        answer = site_a.url + writer.post("/letters/new", data=form).headers["Location"]
        db.session.remove()

    run_sender(site_a)  # finds B's endpoint and tells it
    with site_a.app.app_context():
        (sent,) = db.session.scalars(select(SentWebmention))
        assert (sent.state, sent.target, sent.endpoint) == (
            SendState.SENT, question, f"{site_b.url}/webmention")  # fmt: skip
        db.session.remove()

    run_sender(site_b)  # reads A's letter
    with site_b.app.app_context():
        (received,) = db.session.scalars(select(ReceivedWebmention))
        assert (received.source, received.kind.value, received.author_name) == (
            answer, "reply", "Sven Albrecht")  # fmt: skip
        admin = site_b.app.test_client()
        sign_in(admin, db.session.scalars(select(User).where(User.is_admin)).one())
        assert admin.post(f"/admin/webmentions/{received.id}/approve").status_code == 302
        db.session.remove()

    thread = requests.get(question.replace("/letters/", "/threads/"), timeout=10).text
    assert "Answer from localhost" in thread
    assert "My answer" in thread and "Sven Albrecht" in thread and "Here is what I think." in thread
    assert f'href="{answer}"' in thread
    letter_page = requests.get(question, timeout=10)
    assert "Answer from localhost" in letter_page.text
    assert letter_page.headers["Link"] == f'<{site_b.url}/webmention>; rel="webmention"'
