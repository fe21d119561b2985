"""Template globals shared by every page."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, request

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


def site_globals() -> dict[str, Any]:
    return {"site_name": current_app.config["SITE_NAME"]}


def init_templating(app: Flask) -> None:
    app.context_processor(site_globals)
    app.jinja_env.globals.update(video_embeds=find_video_embeds)
    app.jinja_env.filters["urlhost"] = url_host
    app.jinja_env.filters["datetime_attribute"] = datetime_attribute
    app.jinja_env.globals["ps_mark"] = ps_mark
    app.jinja_env.globals["this_page"] = this_page
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
