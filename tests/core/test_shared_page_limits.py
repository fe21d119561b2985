"""Reading a shared page counts against no rate limit, and no shared page declares one."""

from __future__ import annotations

from flask_limiter.util import get_qualified_name

from app.extensions import limiter
from app.page_cache import is_shared_page, reads_a_shared_page


def test_reading_a_shared_page_skips_the_rate_limits_and_nothing_else_does(app):
    for method, path, skipped in (
        ("GET", "/letters/some-letter", True),
        ("HEAD", "/threads/some-letter", True),
        ("GET", "/", True),
        ("POST", "/letters/some-letter/sign", False),
        ("GET", "/search", False),  # limited per address (tests/discovery/test_search.py)
        ("POST", "/auth/login", False),
        ("GET", "/nowhere", False),
    ):
        with app.test_request_context(path, method=method):
            assert reads_a_shared_page() is skipped, (method, path)


def test_no_shared_page_declares_a_rate_limit(app):
    shared = {
        endpoint: view for endpoint, view in app.view_functions.items() if is_shared_page(view)
    }
    assert {"letters.show", "letters.thread", "discovery.index"} <= set(shared)
    manager = limiter.limit_manager
    with app.app_context():  # a limit may be given as a function of the configuration
        searching = manager.decorated_limits(
            get_qualified_name(app.view_functions["discovery.search"])
        )
        assert searching, "the check below would see a declared limit"
        for endpoint, view in shared.items():
            assert manager.decorated_limits(get_qualified_name(view)) == [], endpoint
            assert manager.blueprint_limits(app, endpoint.rpartition(".")[0]) == [], endpoint
