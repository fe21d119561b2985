"""The application served over real HTTP on loopback, and Chromium set up to stay on it.

Shared by the browser tests (through conftest.py) and by the README screenshot script.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from app.accounts.service import create_user
from app.extensions import db
from tests.support import PASSWORD, app_for_tests, fresh_database

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_MISSING = f"browser tests drive Debian's Chromium, and {CHROMIUM} is not installed"
# Headless, and quiet: without the background-networking flags Chromium calls Google's
# services at start, which a closed network refuses (and which no test should depend on).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-extensions",
]
LOCAL_HOST = "127.0.0.1"


class QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler without a log line per request (pytest shows failures anyway)."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


class LiveServer:
    """A Flask app served by werkzeug in a background thread on a free loopback port."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._server: BaseWSGIServer = make_server(
            LOCAL_HOST, 0, app, threaded=True, request_handler=QuietRequestHandler
        )
        self.url = f"http://{LOCAL_HOST}:{self._server.server_port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="live-server",
            daemon=True,
        )

    def start(self) -> LiveServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


def browser_test_app(database_file: Path, **overrides: Any) -> Flask:
    """The app as a real user meets it: CSRF on, on its own SQLite file."""
    settings = {"WTF_CSRF_ENABLED": True, "SITE_URL": f"http://{LOCAL_HOST}", **overrides}
    app = app_for_tests(f"sqlite:///{database_file}", **settings)
    app.wsgi_app = ClosingResponses(app.wsgi_app)
    return app


class ClosingResponses:
    """WSGI middleware: every response body is closed, even when the browser hangs up.

    werkzeug's development server skips close() when the client drops the connection (a
    context closed while its favicon loads); the open file then warns when collected, which
    pytest's filterwarnings=error turns into a failure of whichever test is running.
    """

    def __init__(self, wsgi_app: Any) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterator[bytes]:
        return self.closing(self.wsgi_app(environ, start_response))

    @staticmethod
    def closing(body: Iterable[bytes]) -> Iterator[bytes]:
        try:
            yield from body
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()


@contextmanager
def serving(app: Flask) -> Iterator[LiveServer]:
    """A fresh database and the app serving it, both gone afterwards."""
    with fresh_database(app):
        server = LiveServer(app).start()
        try:
            yield server
        finally:
            server.stop()


def add_colleague(name: str, email: str, handle: str, **profile: Any) -> None:
    """A confirmed colleague with the test password (needs an app context).

    The session is removed at once: outside a request every transaction on SQLite starts
    with BEGIN IMMEDIATE, so a session left open here would block the server's writes.
    """
    user = create_user(email, name, PASSWORD, handle=handle)
    for field, value in profile.items():
        setattr(user, field, value)
    db.session.commit()
    db.session.remove()


def is_local(url: str) -> bool:
    """Whether a request stays on this machine's loopback server (data: URLs never leave)."""
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname == LOCAL_HOST


class PageLog:
    """What the pages of a browser context did: every request, and every error they logged.

    Requests that would leave 127.0.0.1 are refused at once, so a stray one fails fast
    instead of waiting for a timeout, and shows up in `outside`.
    """

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.errors: list[str] = []

    def watch(self, context: Any) -> None:
        context.on("request", lambda request: self.urls.append(request.url))
        context.on("console", self._console)
        context.on("weberror", lambda error: self.errors.append(f"uncaught: {error.error}"))
        context.route(lambda url: not is_local(url), lambda route: route.abort())

    def _console(self, message: Any) -> None:
        # A Content-Security-Policy violation or a failed load shows up as a console error.
        if message.type == "error":
            self.errors.append(f"{message.text} ({message.location.get('url', '')})")

    @property
    def outside(self) -> list[str]:
        return [url for url in self.urls if not is_local(url)]


def launch_chromium(playwright: Any) -> Any:
    """Debian's Chromium, never a browser downloaded by Playwright."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
