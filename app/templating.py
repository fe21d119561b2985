"""Template globals shared by every page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Request, current_app, has_request_context, request, url_for
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from app.extensions import static_digest
from app.i18n import long_date, translate
from app.text.markdown import find_video_embeds


def url_host(url: str) -> str:
    """The host of an outside link, shown beside its label."""
    try:
        return urlsplit(url).hostname or url
    except ValueError:  # an address saved before such addresses were refused
        return url


def datetime_attribute(moment: datetime | None) -> str:
    """A moment for a `datetime` attribute: HTML allows at most three digits of a second."""
    return moment.isoformat(timespec="seconds") if moment else ""


def ps_mark(language: str) -> str:
    """A postscript is "PS" in a German letter and "P.S." in an English one."""
    return "PS" if language == "de" else "P.S."


def this_page() -> str:
    """The page's path with its query, if it has one (Werkzeug's full_path ends in "?")."""
    query = request.query_string.decode("utf-8", "replace")
    return f"{request.path}?{query}" if query else request.path


# Built addresses, for every request of the process: they do not change while it runs, and
# Werkzeug builds one in about as long as a whole line of a page takes to render. Keyed by
# everything an address (not an absolute one) depends on; emptied when it grows too big.
URLS_BUILT: dict[tuple[Any, ...], str] = {}
MOST_URLS_KEPT = 20_000


def remembered(build: Callable[..., str]) -> Callable[..., str]:
    """A builder of addresses for Python code that builds each one once for the process."""

    def build_once(endpoint: str, **values: Any) -> str:
        current = request._get_current_object() if has_request_context() else None
        return built_for(current, build, URLS_BUILT, endpoint, values)

    return build_once


def remembered_in_templates(
    build: Callable[..., str], kept: dict[tuple[Any, ...], str] = URLS_BUILT
) -> Callable[..., str]:
    """The same for templates, which hold the request itself: reaching it through Flask's
    proxy took half of each remembered address's time, and a page asks for dozens."""

    @pass_context
    def build_once(context: Context, endpoint: str, **values: Any) -> str:
        current = context.get("request")
        if current is None and has_request_context():  # a piece rendered without it
            current = request._get_current_object()
        return built_for(current, build, kept, endpoint, values)

    return build_once


def built_for(
    current: Request | None,
    build: Callable[..., str],
    kept: dict[tuple[Any, ...], str],
    endpoint: str,
    values: dict[str, Any],
) -> str:
    """The address, built once for each place the site is served from (its script root)."""
    if current is None or "_external" in values or "_scheme" in values:
        return build(endpoint, **values)  # absolute: the request's host and scheme count
    blueprint = current.blueprint if endpoint.startswith(".") else None
    try:
        key = (build, current.script_root, blueprint, endpoint, *values.items())
        return kept[key]
    except TypeError:  # values that cannot be a key (a list of tags): built each time
        return build(endpoint, **values)
    except KeyError:
        url = build(endpoint, **values)
        if len(kept) >= MOST_URLS_KEPT:
            kept.clear()
        kept[key] = url
        return url


# Addresses built by Python code: the bylines' links.
remembered_url_for = remembered(url_for)


def byline(letter: Any) -> Markup:
    """ "by Sven to Svenja, 17 September 2014", linked, with microformats.

    In Python rather than as a macro: a correspondence has one per letter, and a macro
    with two nested blocks costs several times as much to call.
    """
    author_link = author_card(letter.author)
    if moment := letter.published_at:
        date = f'<time class="dt-published" datetime="{datetime_attribute(moment)}">'
        date += f"{escape(long_date(moment))}</time>"
    else:
        date = escape(translate("not yet published"))
    # Every part is escaped already: plain string formatting, not Markup's escaping one.
    line = str(escape(translate("by %(author)s to %(addressee)s, %(date)s")))
    return Markup(line % {"author": author_link, "addressee": addressee_link(letter), "date": date})


def author_card(author: Any) -> str:
    """The author's name linked to their page; a deleted account's has neither."""
    if author.is_former:
        name = escape(translate("a former colleague"))
        return f'<span class="p-author h-card">{name}</span>'
    profile = escape(remembered_url_for("discovery.profile", handle=author.handle))
    return f'<a class="p-author h-card" href="{profile}">{escape(author.display_name)}</a>'


def addressee_link(letter: Any) -> Markup:
    """The addressee's name, linked to their page when they are a colleague."""
    if not letter.addressee_id:
        return escape(letter.addressee_name)
    addressee = letter.addressee
    profile = escape(remembered_url_for("discovery.profile", handle=addressee.handle))
    return Markup(f'<a href="{profile}">{escape(addressee.display_name)}</a>')


def render_piece(template: str, **values: Any) -> Markup:
    """A piece of a page, rendered with the values given and the templates' globals only.

    render_template would run every context processor again for it (the page around the
    piece runs them once) and send Flask's rendering signals; a piece needs neither.
    """
    return Markup(current_app.jinja_env.get_template(template).render(values))


def site_globals() -> dict[str, Any]:
    return {"site_name": current_app.config["SITE_NAME"]}


def init_templating(app: Flask) -> None:
    app.context_processor(site_globals)
    app.jinja_env.globals.update(video_embeds=find_video_embeds)
    app.jinja_env.filters["urlhost"] = url_host
    app.jinja_env.filters["datetime_attribute"] = datetime_attribute
    app.jinja_env.globals["ps_mark"] = ps_mark
    app.jinja_env.globals["this_page"] = this_page
    app.jinja_env.globals["url_for"] = remembered_in_templates(url_for)
    # The hashed names of `flask digest compile` are read when the app starts: kept for it alone.
    app.jinja_env.globals["static_url_for"] = remembered_in_templates(
        static_digest.static_url_for, {}
    )
    app.jinja_env.globals["byline"] = byline
    app.jinja_env.globals["addressee_link"] = addressee_link
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
