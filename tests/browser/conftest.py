"""Fixtures for the end-to-end tests: a live server on loopback and Debian's Chromium."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.live_server import (
    CHROMIUM,
    CHROMIUM_MISSING,
    LiveServer,
    PageLog,
    browser_test_app,
    launch_chromium,
    serving,
)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
HERE = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder drives Chromium: marked, one at a time, skipped without it."""
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.xdist_group("browser"))
            item.add_marker(pytest.mark.skipif(not CHROMIUM.exists(), reason=CHROMIUM_MISSING))


# Module scope, not session: Playwright's sync API keeps an asyncio loop on the main thread
# while it runs, which must be gone before tests that start loops of their own.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium per test module; each test opens its own contexts."""
    if not CHROMIUM.exists():
        pytest.skip(CHROMIUM_MISSING)
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """The app with CSRF on, on a fresh SQLite file, served over HTTP on 127.0.0.1."""
    app = browser_test_app(tmp_path / "browser.sqlite")
    with serving(app) as server:
        yield server


@pytest.fixture
def page_log() -> PageLog:
    """Requests and errors of the pages in the contexts that `new_context` opens."""
    return PageLog()


@pytest.fixture
def new_context(browser: Any, page_log: PageLog) -> Iterator[Callable[..., Any]]:
    """Open a browser context (English, desktop size unless told); all are closed after."""
    contexts: list[Any] = []

    def open_context(**options: Any) -> Any:
        settings = {"locale": "en-US", "viewport": {"width": 1280, "height": 900}, **options}
        context = browser.new_context(**settings)
        context.set_default_timeout(15_000)
        page_log.watch(context)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots go for a human to look at (gitignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
