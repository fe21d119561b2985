"""The imprint and the privacy statement: pages every German site must have.

Their text comes from Markdown files in the instance folder or LEGAL_FOLDER (`imprint.de.md`
for German readers, then `imprint.md`; `privacy.de.md`, then `privacy.md`), else from the
IMPRINT and PRIVACY settings.
Without any, there is no imprint (and no link to one; `flask doctor` says so), and the
privacy page states what the site keeps and for how long, from its own settings.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, render_template
from flask_babel import get_locale
from markupsafe import Markup

from app.text.markdown import render_markdown
from app.web import absolute_url

bp = Blueprint("legal", __name__)

SETTINGS = {"imprint": "IMPRINT", "privacy": "PRIVACY"}


def legal_folder_name() -> str:
    """Where the operator's Markdown files are: the instance folder, unless LEGAL_FOLDER says."""
    return str(current_app.config.get("LEGAL_FOLDER") or current_app.instance_path)


def legal_folder() -> Path:
    return Path(legal_folder_name())


def legal_text(page: str, locale: str) -> str:
    """The operator's Markdown for the page in the language, or "" when there is none."""
    folder = legal_folder()
    for name in (f"{page}.{locale}.md", f"{page}.md"):
        path = folder / name
        if path.is_file():
            return path.read_text(encoding="utf-8", errors="replace")
    return str(current_app.config.get(SETTINGS[page]) or "")


def has_imprint() -> bool:
    """Whether the site has an imprint to link to (in any language)."""
    if current_app.config.get("IMPRINT"):
        return True
    folder = legal_folder_name()
    try:  # the name as it is: every page's footer asks, and a Path costs more than the look
        changed = os.stat(folder).st_mtime_ns
    except OSError:
        return False
    return imprint_in(folder, changed)


@lru_cache(maxsize=16)
def imprint_in(folder: str, changed: int) -> bool:
    """Whether the folder holds an imprint file, as of its last change (adding or removing
    a file changes the folder's time): a look at the folder costs more than a look at its
    time."""
    return any(Path(folder).glob("imprint*.md"))


@bp.route("/imprint")
def imprint() -> str:
    """The operator's imprint (Impressum); 404 while there is none."""
    text = legal_text("imprint", str(get_locale()))
    if not text:
        abort(404)
    return render_template("legal/page.html", page="imprint", html=Markup(render_markdown(text)))


@bp.route("/privacy")
def privacy() -> str:
    """The operator's privacy statement, else what the site keeps, from its settings."""
    text = legal_text("privacy", str(get_locale()))
    html = Markup(render_markdown(text)) if text else None
    return render_template("legal/page.html", page="privacy", html=html)


def legal_url(page: str) -> str:
    """The page's address for an email: absolute, under SITE_URL."""
    return absolute_url(f"legal.{page}")


def init_legal(app: Flask) -> None:
    """Serve the pages and let every page and email link to them."""
    app.register_blueprint(bp)
    app.jinja_env.globals.update(has_imprint=has_imprint, legal_url=legal_url)
