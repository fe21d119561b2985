"""Kept pages answered at the door: before Flask builds a request, a session or a user.

A signed-out reader who sends no cookie but the language one, asking for an address whose
page is kept (app/page_cache.py) under the current content version, gets that page, or 304
when they have it already, straight from the WSGI layer. It is the same answer, byte for
byte and header for header, that the page cache gives after Flask's hooks: the same key,
the same version check (so a committed write is seen here as there), the same labels, the
security headers. Everything else (a cookie of any other name, another query, a page not
kept, a store that does not answer) goes on to Flask as before.

The kept page itself is known only to be shared: its view was marked `@shared_page` when it
was made, and a kept page exists only under an address such a view answered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from werkzeug.http import parse_cookie

from app.i18n import LANGUAGE_COOKIE, language_chosen
from app.page_cache import KEPT_QUERY, KeptPage, look_up, names_it, page_key
from app.web import NON_TEXT_CHARACTERS, SECURITY_HEADERS

# The WSGI environ names the view and status of a request answered here, for the metrics.
ANSWERED_AT_THE_DOOR = "briefwechsel.answered_at_the_door"
WSGIApp = Callable[[dict[str, Any], Any], Iterable[bytes]]
# Werkzeug leaves these out of a 304 (RFC 9110: it describes the page the reader has).
NOT_IN_304 = frozenset({"Content-Type", "Content-Length", "Last-Modified"})


class KeptPageDoor:
    """WSGI middleware: answer GET and HEAD of kept pages for signed-out readers."""

    def __init__(self, app: Flask, wsgi_app: WSGIApp) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.languages = list(app.config["LANGUAGES"])
        self.security_headers = list(SECURITY_HEADERS.items())

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        kept = None
        if environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            kept = self.kept_page(environ)
        if kept is None:
            return self.wsgi_app(environ, start_response)
        has_it = names_it(
            kept, environ.get("HTTP_IF_NONE_MATCH"), environ.get("HTTP_IF_MODIFIED_SINCE")
        )
        environ[ANSWERED_AT_THE_DOOR] = (kept.endpoint, 304 if has_it else 200)
        start_response("304 NOT MODIFIED" if has_it else "200 OK", self.headers(kept, has_it))
        return [b"" if has_it or environ["REQUEST_METHOD"] == "HEAD" else kept.body]

    def kept_page(self, environ: dict[str, Any]) -> KeptPage | None:
        """The page kept for this request and current, or None for Flask to answer."""
        language_cookie = None
        if cookies := environ.get("HTTP_COOKIE"):
            parsed = parse_cookie(cookies)
            if any(name != LANGUAGE_COOKIE for name in parsed):
                return None  # a session or remember cookie: perhaps someone signed in
            language_cookie = parsed.get(LANGUAGE_COOKIE)
        query = environ.get("QUERY_STRING", "")
        page = self.path(environ)
        if page is None or not KEPT_QUERY.fullmatch(query):
            return None
        language = language_chosen(
            language_cookie, environ.get("HTTP_ACCEPT_LANGUAGE"), self.languages
        )
        with self.app.app_context():
            try:
                version, kept = look_up(page_key(language, f"{page}?{query}" if query else page))
            except Exception:  # noqa: BLE001 — Flask tries again, and logs what fails
                return None
        if version is None or kept is None or kept.version != version or not kept.endpoint:
            return None
        return kept

    @staticmethod
    def path(environ: dict[str, Any]) -> str | None:
        """The path as Flask's request.path reads it, or None if Flask must refuse it."""
        try:  # WSGI hands the bytes over as latin-1; the input guard decodes them strictly
            path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8")
        except UnicodeError:
            return None
        if NON_TEXT_CHARACTERS.search(path):
            return None
        return "/" + path.lstrip("/")

    def headers(self, kept: KeptPage, has_it: bool) -> list[tuple[str, str]]:
        """The headers page_cache.label_page and the hooks after it give a kept page."""
        own = {name for name, _value in kept.view_headers}  # a view's own policy stands
        headers = [
            ("Content-Type", kept.content_type),
            ("Content-Length", str(len(kept.body))),
            *kept.view_headers,
            ("X-Page-Cache", "hit"),
            *kept.headers,
            *(header for header in self.security_headers if header[0] not in own),
        ]
        if has_it:
            return [(name, value) for name, value in headers if name not in NOT_IN_304]
        return headers


def init_kept_door(app: Flask) -> None:
    """Put the door in front of the app, unless pages are not kept at all."""
    if app.config["PAGE_CACHE"]:
        app.wsgi_app = KeptPageDoor(app, app.wsgi_app)
