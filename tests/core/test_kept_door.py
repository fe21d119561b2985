"""Kept pages answered before Flask: the same answer as through Flask, never an older one."""

from __future__ import annotations

import pytest

from app.accounts.models import User
from app.letters.models import Letter
from tests.support import server_like_client, sign_in


@pytest.fixture
def svenja(make_user) -> User:
    return make_user("Svenja Köhler", handle="svenja")


@pytest.fixture
def letter(make_letter, svenja, make_user) -> Letter:
    return make_letter(svenja, make_user("Sven Albrecht"), title="On slow decisions")


def answer(app, path: str, cookie: str | None = None, **headers: str) -> tuple:
    client = server_like_client(app)
    if cookie:  # a cookie of another name: Flask answers, from the page cache
        client.set_cookie(cookie, "1")
    response = client.get(path, headers=headers)
    return response.status_code, list(response.headers.items()), response.get_data()


@pytest.mark.parametrize("path", ["/letters/{slug}", "/", "/feed.atom", "/@svenja"])
def test_the_door_answers_as_flask_would_with_the_kept_page(app, letter, path):
    path = path.format(slug=letter.slug)
    made = answer(app, path)  # made and kept
    at_the_door = answer(app, path)
    through_flask = answer(app, path, cookie="consent")
    assert at_the_door == through_flask
    assert at_the_door[0] == 200 and at_the_door[2] == made[2]
    assert ("X-Page-Cache", "hit") in at_the_door[1]
    etag = dict(at_the_door[1])["ETag"]
    has_it = answer(app, path, **{"If-None-Match": etag})
    assert has_it == answer(app, path, cookie="consent", **{"If-None-Match": etag})
    assert has_it[0] == 304 and has_it[2] == b""


def test_the_door_keeps_each_language_apart(app, letter):
    path = f"/letters/{letter.slug}"
    for language in ("en", "de"):
        answer(app, path, **{"Accept-Language": language})
    german = answer(app, path, **{"Accept-Language": "de-DE,de;q=0.9"})[2].decode()
    english = answer(app, path, **{"Accept-Language": "en-GB"})[2].decode()
    assert '<html lang="de">' in german and '<html lang="en">' in english
    chosen = server_like_client(app)
    chosen.set_cookie("lang", "en")
    assert chosen.get(path, headers={"Accept-Language": "de"}).get_data(as_text=True) == english


def test_the_door_never_answers_with_a_page_older_than_a_write(app, letter, svenja):
    path = f"/letters/{letter.slug}"
    answer(app, path)
    etag = dict(answer(app, path)[1])["ETag"]
    author = server_like_client(app)
    sign_in(author, svenja)
    author.post(f"/letters/{letter.slug}/withdraw")
    assert answer(app, path, **{"If-None-Match": etag})[0] == 410
    assert "Sign out" in author.get("/").get_data(as_text=True)  # signed in: never the door


def test_the_door_leaves_head_requests_without_a_body(app, letter):
    path = f"/letters/{letter.slug}"
    size = len(answer(app, path)[2])
    response = server_like_client(app).head(path)
    assert response.status_code == 200 and response.get_data() == b""
    assert response.headers["Content-Length"] == str(size)
