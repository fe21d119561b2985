"""Stylesheets and scripts under names that carry a hash of their content.

After `flask digest compile` pages link `site-<md5>.css`, so that a browser or proxy may keep
it for a year and still gets the new one after an upgrade; without it, the plain names.
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import pytest
from flask import Flask

from app.extensions import db
from bench.servers import compiled_static
from tests.support import app_for_tests, redis_answers, server_like_client

ROOT = Path(__file__).resolve().parents[2]
HASHED_STYLESHEET = re.compile(r'href="/static/css/site-([0-9a-f]{32})\.css"')


def test_without_compiling_pages_link_the_plain_names(app, make_user, make_letter):
    letter = make_letter(make_user("Svenja Köhler"), title="On slow decisions")
    page = server_like_client(app).get(f"/letters/{letter.slug}").get_data(as_text=True)
    assert 'href="/static/css/site.css"' in page
    with server_like_client(app).get("/static/css/site.css") as stylesheet:
        assert stylesheet.status_code == 200


def test_compiled_pages_link_the_stylesheet_by_its_content(
    app_factory, tmp_path, make_user, make_letter
):
    folder = compiled_static(tmp_path / "static")
    app = app_factory(STATIC_FOLDER=str(folder))
    with app.app_context():
        letter = make_letter(make_user("Svenja Köhler"), title="On slow decisions")
        page = server_like_client(app).get(f"/letters/{letter.slug}").get_data(as_text=True)
    match = HASHED_STYLESHEET.search(page)
    assert match, "the letter page links the stylesheet by its hash"
    with server_like_client(app).get(f"/static/css/site-{match.group(1)}.css") as served:
        assert served.status_code == 200
        assert served.get_data() == (ROOT / "static/css/site.css").read_bytes()
    assert re.search(r'src="/static/js/embed-[0-9a-f]{32}\.js"', page)


def test_an_edited_stylesheet_gets_a_new_name_and_the_old_one_stays(app_factory, tmp_path):
    """Pages kept by browsers and proxies from before the upgrade still find their file."""
    folder = compiled_static(tmp_path / "static")
    (old,) = (folder / "css").glob("site-*.css")
    with (folder / "css/site.css").open("a") as stylesheet:
        stylesheet.write("\n.new-rule { color: black; }\n")
    app = app_factory(STATIC_FOLDER=str(folder))
    result = app.test_cli_runner().invoke(args=["digest", "compile"])
    assert result.exit_code == 0, result.output
    assert old.exists()
    manifest = json.loads((folder / "cache_manifest.json").read_text())
    new = folder / manifest["css/site.css"]
    assert new != old and new.read_text().endswith(".new-rule { color: black; }\n")


@pytest.mark.skipif(not redis_answers(), reason="needs Redis on 127.0.0.1:6379")
def test_a_page_kept_before_an_upgrade_is_not_served_after_it(
    app_factory, tmp_path, make_user, make_letter
):
    """Pages kept in Redis outlive a release; they would link a stylesheet by its old name."""
    shared = {"REDIS_URL": "redis://127.0.0.1:6379/12", "PAGE_CACHE": True,
              "CACHE_KEY_PREFIX": f"static-test-{uuid.uuid4().hex}:"}  # fmt: skip
    folder = compiled_static(tmp_path / "static")
    before: Flask = app_factory(**shared)
    with before.app_context():
        slug = make_letter(make_user("Svenja Köhler"), title="On slow decisions").slug
        for _ in range(2):
            kept = server_like_client(before).get(f"/letters/{slug}")
        assert kept.headers["X-Page-Cache"] == "hit"
        assert 'href="/static/css/site.css"' in kept.get_data(as_text=True)
    after = app_for_tests(before.config["SQLALCHEMY_DATABASE_URI"], STATIC_FOLDER=str(folder),
                          **shared)  # fmt: skip
    with after.app_context():
        page = server_like_client(after).get(f"/letters/{slug}")
        db.session.remove()
        db.engine.dispose()  # the fixture closes only its own app's connections
    assert page.headers["X-Page-Cache"] == "miss"
    assert HASHED_STYLESHEET.search(page.get_data(as_text=True))
