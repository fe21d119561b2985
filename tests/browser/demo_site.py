"""The demo correspondences served on loopback, with the path of every page type on them.

The page list comes from tests/page_types.py, which the HTML checker uses too; it is built
without pytest's function-scoped fixtures so that one live server serves a module of tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from app.demo import DEMO_PASSWORD, load_demo_data
from app.extensions import db
from tests.browser.live_server import LiveServer, browser_test_app, serving
from tests.page_types import PageSet, every_page_type

sync_api: Any
try:
    from playwright import sync_api
except ImportError:  # the tests skip themselves; this module must still import
    sync_api = None


@contextmanager
def serving_site(database_file: Path, **settings: Any) -> Iterator[LiveServer]:
    """The app on a live server whose emails link back to it, with the demo colleagues."""
    app = browser_test_app(database_file, **settings)
    with serving(app) as server:
        app.config["SITE_URL"] = server.url  # the port is known only now
        load_demo_data()
        db.session.commit()
        db.session.remove()
        yield server


@contextmanager
def serving_demo(database_file: Path, **settings: Any) -> Iterator[tuple[LiveServer, PageSet]]:
    """The demo site and the path of every page type on it."""
    with serving_site(database_file, **settings) as server:
        yield server, every_page_type()


def sign_in(page: Any, base_url: str, email: str, password: str = DEMO_PASSWORD) -> None:
    """Through the login form, as a person would."""
    page.goto(f"{base_url}/auth/login")
    page.locator("form.narrow-form input[name=email]").fill(email)
    page.locator("form.narrow-form input[name=password]").fill(password)
    page.locator("form.narrow-form button[type=submit]").click()
    sync_api.expect(page.locator(".site-header .account-menu")).to_be_visible()
