"""Pages every signed-out reader shares: kept rendered, answered conditionally, labelled for caches.

A view marked `@shared_page` (a letter, a correspondence, the front page, a tag, a colleague's
page, the feeds) shows the same to every reader who is not signed in and reads the same
language. For such readers its answer is kept (Flask-Caching: in each process, or in Redis
with REDIS_URL) under its address and language, together with the content version it was
made under (app/page_version.py). It is served again only while that version is current, so
once a write has committed no process serves the page from before it.

Such answers carry an ETag and a Last-Modified, and a reader who has the page already gets
304; `Cache-Control: public, max-age=PAGE_MAX_AGE` with `Vary: Cookie, Accept-Language` lets
a reverse proxy or CDN keep them briefly. A page for a signed-in colleague, and any page that
carries a form token, is `private, no-store`: nobody keeps it.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, Response, current_app, g, request, session
from flask_login.config import COOKIE_NAME
from werkzeug.http import http_date, parse_date, quote_etag

from app.extensions import cache, limiter, static_digest
from app.i18n import reader_language
from app.page_version import (
    VERSION_KEY,
    current_version_in_database,
    first_version_in_redis,
    uses_redis,
)
from app.templating import this_page

View = TypeVar("View", bound=Callable[..., Any])
SHARED = "shared_page"
PAGE_TYPES = frozenset({"text/html", "application/atom+xml"})
# The one query a kept page may have: its page number. Pages with other queries are made
# for each request, so that made-up addresses cannot crowd the store.
KEPT_QUERY = re.compile(r"(page=[1-9][0-9]{0,3})?")
# Flask-WTF keeps the token it put in the page here (g.csrf_token).
FORM_TOKEN = "csrf_token"
CONDITIONAL = ("If-None-Match", "If-Modified-Since")


@dataclass(frozen=True)
class KeptPage:
    version: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...]  # ETag, Last-Modified and the cache headers
    # What app/kept_door.py needs to answer without Flask: the view's name (for the request
    # metrics) and the headers the view and the hooks before label_page gave the page.
    endpoint: str = ""
    view_headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Slot:
    key: str
    version: int


def shared_page(view: View) -> View:
    """Mark a view whose page is the same for every signed-out reader of one language."""
    setattr(view, SHARED, True)
    return view


def is_shared_page(view: Callable[..., Any] | None) -> bool:
    return getattr(view, SHARED, False)


@limiter.request_filter
def reads_a_shared_page() -> bool:
    """Reading a shared page counts against no rate limit: a cache in front (deploy/'s nginx)
    serves it without asking the app, and none declares one (a test holds that). Working
    out that no limit applies cost Flask-Limiter a thirtieth of a letter page."""
    view = current_app.view_functions.get(request.endpoint or "")
    return request.method in ("GET", "HEAD") and is_shared_page(view)


def reader_is_anonymous() -> bool:
    """Nobody signed in (session or remember cookie), and no message waiting to be shown."""
    remember = current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME)
    return not ("_user_id" in session or "_flashes" in session or remember in request.cookies)


def serve_kept_page() -> Response | None:
    """Before the view: answer from the store while the page kept there is current."""
    if not reads_a_shared_page():
        return None
    if not reader_is_anonymous():
        return None
    g.shared_page = None  # shared; made anew, and kept only if a slot is set below
    query = request.query_string.decode("ascii", "replace")
    if not current_app.config["PAGE_CACHE"] or not KEPT_QUERY.fullmatch(query):
        return None
    key = page_key(reader_language(), this_page())
    try:
        version, kept = look_up(key)
    except Exception:  # noqa: BLE001 — without the store the page is made as usual
        current_app.logger.exception("The page cache could not be read.")
        return None
    if version is None:
        return None
    g.shared_page = Slot(key, version)
    if kept is None or kept.version != version:
        return None
    g.kept_page = kept
    return current_app.response_class(kept.body, content_type=kept.content_type)


def page_key(language: str, page: str) -> str:
    """Where the page at this address (path and query) is kept for readers of the language."""
    return f"{current_app.config['STATIC_RELEASE']}:{language}:{page}"


def look_up(key: str) -> tuple[int | None, KeptPage | None]:
    """The current version and the page kept under the key, in one round trip to Redis."""
    if uses_redis():
        version, kept = cache.get_many(VERSION_KEY, key)
        return (version if version is not None else first_version_in_redis()), kept
    return current_version_in_database(), cache.get(key)


def label_page(response: Response) -> Response:
    """After the view: keep a shared page, label it for caches, answer 304 where it is known."""
    if FORM_TOKEN in g or "_user_id" in session:
        if response.mimetype in PAGE_TYPES:
            response.headers["Cache-Control"] = "private, no-store"
        return response
    if "shared_page" not in g or response.status_code != 200 or response.is_streamed:
        return response
    kept: KeptPage | None = g.get("kept_page")
    response.headers["X-Page-Cache"] = "hit" if kept else "miss"  # for operators and tests
    if kept is None:
        if session.modified or "Set-Cookie" in response.headers:
            response.headers["Cache-Control"] = "private, no-store"
            return response
        kept = keep(response, g.shared_page)
    response.headers.extend(kept.headers)
    if any(name in request.headers for name in CONDITIONAL) and reader_has_it(kept):
        response.status_code = 304  # werkzeug sends neither the body nor entity headers
    return response


def reader_has_it(kept: KeptPage) -> bool:
    """The request's If-None-Match (or, without it, If-Modified-Since) names this page.

    Werkzeug's make_conditional does the same and more (ranges, If-Match), at a price the
    304 answer to a cache revalidating shows. If-None-Match compares weakly (RFC 9110); our
    tags are hex digits in quotes, so a split on commas reads any list of them.
    """
    return names_it(kept, request.headers.get("If-None-Match"),
                    request.headers.get("If-Modified-Since"))  # fmt: skip


def names_it(kept: KeptPage, none_match: str | None, modified_since: str | None) -> bool:
    """If-None-Match names the kept page's ETag, or (without it) it is no newer than asked."""
    labels = dict(kept.headers)
    if none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in none_match.split(",")}
        return "*" in tags or labels["ETag"] in tags
    since, modified = parse_date(modified_since), labels.get("Last-Modified")
    return since is not None and modified is not None and parse_date(modified) <= since


def keep(response: Response, slot: Slot | None) -> KeptPage:
    """The page with its labels, kept under its slot when it has one."""
    body = response.get_data()
    kept = KeptPage(
        version=slot.version if slot else 0,
        content_type=response.content_type or "text/html; charset=utf-8",
        body=body,
        headers=labels(body, slot.version if slot else 0),
        endpoint=request.endpoint or "",
        view_headers=tuple(
            (name, value)
            for name, value in response.headers.items()
            if name not in ("Content-Type", "Content-Length", "X-Page-Cache")
        ),  # fmt: skip
    )
    if slot is not None:
        try:
            cache.set(slot.key, kept)
        except Exception:  # noqa: BLE001 — the reader gets the page either way
            current_app.logger.exception("The page cache could not keep a page.")
    return kept


def labels(body: bytes, version: int) -> tuple[tuple[str, str], ...]:
    """ETag, Last-Modified (the version, a count of seconds) and the public cache headers."""
    headers = [
        ("ETag", quote_etag(hashlib.blake2b(body, digest_size=16).hexdigest())),
        ("Cache-Control", f"public, max-age={current_app.config['PAGE_MAX_AGE']}"),
        ("Vary", "Cookie, Accept-Language"),
    ]
    if 0 < version <= time.time():  # a version ahead of the clock is no date yet
        headers.append(("Last-Modified", http_date(version)))
    return tuple(headers)


Part = TypeVar("Part")


def kept_part(name: str, make: Callable[[], Part]) -> Part:
    """A part of pages that is the same for many readers, kept like a page under the version.

    For the parts a signed-in colleague's page shares with every reader of their language
    and timezone; nothing made with a form token in it is kept.
    """
    if not current_app.config["PAGE_CACHE"]:
        return make()
    key = f"{current_app.config['STATIC_RELEASE']}:part:{name}"
    try:
        version, kept = look_up(key)
    except Exception:  # noqa: BLE001 — without the store the part is made as usual
        current_app.logger.exception("The page cache could not be read.")
        return make()
    if version is not None and isinstance(kept, tuple) and kept[0] == version:
        return kept[1]
    made = make()
    if version is not None and FORM_TOKEN not in g:
        try:
            cache.set(key, (version, made))
        except Exception:  # noqa: BLE001 — the reader gets the part either way
            current_app.logger.exception("The page cache could not keep a part.")
    return made


def init_page_cache(app: Flask) -> None:
    """Bind the store; look pages up before the views and label them after."""
    cache.init_app(app)
    app.config["STATIC_RELEASE"] = static_release()
    # Right after the input guard: a kept page needs none of the other hooks (rate limits
    # apply to no shared page), and skipping them is much of what makes it quick.
    app.before_request_funcs.setdefault(None, []).insert(1, serve_kept_page)
    app.after_request(label_page)


def static_release() -> str:
    """A name for the static files' hashed names: pages kept under another are not served.

    A page names its stylesheet by hash; after `flask digest compile` and a reload, a page
    kept in Redis by the release before would link the old stylesheet.
    """
    manifest = json.dumps(static_digest.manifests, sort_keys=True).encode()
    return hashlib.blake2b(manifest, digest_size=4).hexdigest()
