"""Language and timezone of each request, and localised dates."""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app, has_request_context, request
from flask_babel import format_date, format_datetime, get_locale
from flask_login import current_user

from app.extensions import babel

TRANSLATIONS = Path(__file__).resolve().parent / "translations"

LANGUAGE_COOKIE = "lang"


def select_locale() -> str:
    """The user's setting, else the reader's choice (cookie), else the browser's, else English."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # the sender: each email sets its language explicitly
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return reader_language()


def reader_language() -> str:
    """The language of a reader who is not signed in: their choice (cookie), else the browser's."""
    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or "en"


def select_timezone() -> str:
    """The signed-in user's timezone, else the site's default."""
    if has_request_context() and current_user.is_authenticated and current_user.timezone:
        return current_user.timezone
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def long_date(moment: datetime | None) -> str:
    """ "17. September 2014" in German, "17 September 2014" in English."""
    if moment is None:
        return ""
    pattern = "d. MMMM y" if str(get_locale()) == "de" else "d MMMM y"
    return format_date(moment, pattern)


def date_and_time(moment: datetime | None) -> str:
    """A date with the time of day, in the reader's timezone."""
    if moment is None:
        return ""
    pattern = "d. MMMM y, HH:mm" if str(get_locale()) == "de" else "d MMMM y, HH:mm"
    return format_datetime(moment, pattern)


def compile_catalogs(source: Path, target: Path) -> None:
    """Compile each .po catalogue to a .mo file when it is missing or older than its source.

    The .po sources are what the repository holds; compiling at start means a fresh
    checkout, an install and an edited translation all work without a separate step.
    """
    for po_file in source.glob("*/LC_MESSAGES/messages.po"):
        mo_file = target / po_file.relative_to(source).with_suffix(".mo")
        if mo_file.exists() and mo_file.stat().st_mtime >= po_file.stat().st_mtime:
            continue
        mo_file.parent.mkdir(parents=True, exist_ok=True)
        with po_file.open("rb") as handle:
            catalog = read_po(handle)
        # Several workers may start at once: write aside, then rename atomically.
        with tempfile.NamedTemporaryFile(dir=mo_file.parent, delete=False) as temporary:
            write_mo(temporary, catalog)
        os.replace(temporary.name, mo_file)


def init_i18n(app: Flask) -> None:
    """Bind Flask-Babel with our selectors and expose the date filters."""
    compiled = Path(app.instance_path) / "translations"
    compile_catalogs(TRANSLATIONS, compiled)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compiled)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.filters["date_and_time"] = date_and_time
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
