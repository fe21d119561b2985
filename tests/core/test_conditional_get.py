"""Shared pages and feeds answer conditional requests and tell caches how long to keep them."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import update

from app.accounts.models import User
from app.extensions import db
from app.letters.models import Language, Letter
from app.letters.service import LetterDraft, publish_draft, save_letter
from app.page_version import PageVersion
from tests.support import server_like_client, sign_in


@pytest.fixture
def svenja(make_user) -> User:
    return make_user("Svenja Köhler", handle="svenja")


@pytest.fixture
def letter(make_letter, svenja, make_user) -> Letter:
    letter = make_letter(svenja, make_user("Sven Albrecht"), title="On slow decisions")
    # Writes in the same second count on past the clock; the site has been quiet since.
    db.session.execute(update(PageVersion).values(version=int(time.time()) - 60))
    db.session.commit()
    return letter


def shared_paths(letter: Letter) -> list[str]:
    return ["/", f"/letters/{letter.slug}", f"/threads/{letter.slug}", "/@svenja", "/tags",
            "/feed.atom", "/@svenja/feed.atom", f"/threads/{letter.slug}/feed.atom"]  # fmt: skip


def test_shared_pages_may_be_kept_briefly_by_any_cache(app, letter):
    for path in shared_paths(letter):
        for _ in range(2):  # made, then kept
            response = server_like_client(app).get(path)
            assert response.status_code == 200, path
            assert response.headers["Cache-Control"] == "public, max-age=10", path
            assert {"Cookie", "Accept-Language"} <= set(response.vary), path
            assert response.headers["ETag"].startswith('"'), path
            assert response.last_modified is not None, path


def test_a_reader_who_has_the_page_gets_304_until_it_changes(app, letter, svenja):
    for path in shared_paths(letter):
        reader = server_like_client(app)
        etag = reader.get(path).headers["ETag"]
        for _ in range(2):
            again = reader.get(path, headers={"If-None-Match": etag})
            assert again.status_code == 304, path
            assert again.get_data() == b"" and again.headers["ETag"] == etag, path
    reader = server_like_client(app)
    path = f"/letters/{letter.slug}"
    etag = reader.get(path).headers["ETag"]
    author = server_like_client(app)
    sign_in(author, svenja)
    author.post(f"/letters/{letter.slug}/withdraw")
    assert reader.get(path, headers={"If-None-Match": etag}).status_code == 410
    assert reader.get("/", headers={"If-None-Match": etag}).status_code == 200


def test_a_draft_changes_no_shared_page_until_it_is_published(app, letter, svenja):
    reader = server_like_client(app)
    modified = {path: reader.get(path).headers["Last-Modified"] for path in shared_paths(letter)}
    text = LetterDraft("A private draft", "", "Not yet.", "", "", "", Language.EN, None,
                       "Anyone", tags=["Unpublished thoughts"])  # fmt: skip
    draft = save_letter(svenja, text, publish=False)
    db.session.commit()
    for path, since in modified.items():  # nothing readers see changed: pages stay as they were
        again = reader.get(path, headers={"If-Modified-Since": since})
        assert again.status_code == 304, path
    publish_draft(draft)
    db.session.commit()
    tags = reader.get("/tags", headers={"If-Modified-Since": modified["/tags"]})
    assert tags.status_code == 200
    assert "Unpublished thoughts" in tags.get_data(as_text=True)


def test_if_modified_since_answers_304_until_a_change(app, letter, svenja, make_letter):
    reader = server_like_client(app)
    path = "/feed.atom"
    modified = reader.get(path).headers["Last-Modified"]
    assert reader.get(path, headers={"If-Modified-Since": modified}).status_code == 304
    make_letter(svenja, title="A newer letter")
    changed = reader.get(path, headers={"If-Modified-Since": modified})
    assert changed.status_code == 200
    assert "A newer letter" in changed.get_data(as_text=True)


def test_signed_in_pages_are_kept_by_nobody(app, letter, svenja):
    colleague = server_like_client(app)
    sign_in(colleague, svenja)
    for path in shared_paths(letter)[:5] + ["/settings", "/letters/new"]:
        response = colleague.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "private, no-store", path
        assert "ETag" not in response.headers, path


def test_pages_with_a_form_token_are_kept_by_nobody(app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    for path in ("/auth/login", "/auth/reset"):  # forms for signed-out readers
        response = server_like_client(app).get(path)
        assert 'name="csrf_token"' in response.get_data(as_text=True), path
        assert response.headers["Cache-Control"] == "private, no-store", path


def test_if_none_match_is_read_as_http_says(app, letter):
    """Weak tags, lists of tags and "*" name the page; another tag or a bad date do not."""
    reader = server_like_client(app)
    path = f"/letters/{letter.slug}"
    etag = reader.get(path).headers["ETag"]
    for known in (f"W/{etag}", f'"elsewhere", {etag}', "*"):
        assert reader.get(path, headers={"If-None-Match": known}).status_code == 304, known
    for unknown in ('"elsewhere"', f'{etag[:-2]}"'):
        assert reader.get(path, headers={"If-None-Match": unknown}).status_code == 200, unknown
    modified = reader.get(path).headers["Last-Modified"]
    both = {"If-None-Match": '"elsewhere"', "If-Modified-Since": modified}
    assert reader.get(path, headers=both).status_code == 200  # the tag decides
    assert reader.get(path, headers={"If-Modified-Since": "not a date"}).status_code == 200
