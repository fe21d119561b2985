"""The parts of a letter page every reader shares are rendered once, never shown stale."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from app.accounts.models import User
from app.extensions import db
from app.letters.models import Letter
from tests.support import ServerLikeClient, server_like_client, sign_in


@pytest.fixture
def svenja(make_user) -> User:
    return make_user("Svenja Köhler", handle="svenja")


@pytest.fixture
def sven(make_user) -> User:
    return make_user("Sven Albrecht", handle="sven")


@pytest.fixture
def letter(make_letter, svenja, sven) -> Letter:
    return make_letter(svenja, sven, title="On slow decisions", body="We decide too quickly.")


def colleague(app, user: User) -> ServerLikeClient:
    client = server_like_client(app)
    sign_in(client, user)
    return client


def test_a_colleague_reads_a_kept_letter_with_fewer_statements(app, letter, sven, count_queries):
    reader = colleague(app, sven)
    path = f"/letters/{letter.slug}"
    with count_queries() as first:
        made = reader.get(path).get_data(as_text=True)
    with count_queries() as again:
        kept = reader.get(path).get_data(as_text=True)
    assert again.count < first.count - 3, again.statements
    strip = re.compile(r'name="csrf_token"[^>]*>')  # the tokens are signed anew
    assert strip.sub("", kept) == strip.sub("", made)
    assert "We decide too quickly." in kept and "Sign out" in kept


def test_an_answer_shows_at_once_to_a_colleague(app, letter, svenja, sven, make_letter):
    reader = colleague(app, svenja)
    path = f"/letters/{letter.slug}"
    assert "Answer to slow decisions" not in reader.get(path).get_data(as_text=True)
    make_letter(sven, svenja, parent=letter, title="Answer to slow decisions")
    html = reader.get(path).get_data(as_text=True)
    assert "Answer to slow decisions" in html
    assert "Read the whole correspondence (2 letters)" in html


def test_each_colleague_gets_their_own_menu_and_forms_around_the_parts(app, letter, svenja, sven):
    path = f"/letters/{letter.slug}"
    author_page = colleague(app, svenja).get(path).get_data(as_text=True)
    reader_page = colleague(app, sven).get(path).get_data(as_text=True)
    assert f'href="/letters/{letter.slug}/edit"' in author_page
    assert f'href="/letters/{letter.slug}/edit"' not in reader_page
    assert "Close signing" in author_page and "Close signing" not in reader_page
    assert ">Sven Albrecht</span>" in reader_page and ">Svenja Köhler</span>" in author_page
    signed_out = server_like_client(app).get(path).get_data(as_text=True)
    assert "csrf_token" not in signed_out and "Sign in" in signed_out


def test_dates_follow_each_colleagues_timezone(app, letter, svenja, sven):
    late = datetime(2024, 3, 1, 23, 30, tzinfo=UTC)
    db.session.execute(update(Letter).where(Letter.id == letter.id).values(published_at=late))
    db.session.execute(update(User).where(User.id == sven.id).values(timezone="Asia/Tokyo"))
    db.session.execute(update(User).where(User.id == svenja.id).values(timezone="UTC"))
    db.session.commit()
    path = f"/letters/{letter.slug}"
    assert "1 March 2024" in colleague(app, svenja).get(path).get_data(as_text=True)
    assert "2 March 2024" in colleague(app, sven).get(path).get_data(as_text=True)
