"""Language and timezone of each request, and localised dates."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from datetime import datetime, tzinfo
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from babel import dates
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import get_locale, get_timezone, get_translations
from flask_login import current_user
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from app.extensions import babel

T = TypeVar("T")

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
    return language_chosen(
        request.cookies.get(LANGUAGE_COOKIE),
        request.headers.get("Accept-Language"),
        current_app.config["LANGUAGES"],
    )


def language_chosen(cookie: str | None, accept_language: str | None, languages: list[str]) -> str:
    """The language of the cookie if it is one we have, else the best of Accept-Language."""
    if cookie in languages:
        return cookie
    if not accept_language:
        return "en"
    return parse_accept_header(accept_language, LanguageAccept).best_match(languages) or "en"


def select_timezone() -> str:
    """The signed-in user's timezone, else the site's default."""
    if has_request_context() and current_user.is_authenticated and current_user.timezone:
        return current_user.timezone
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


LONG_DATE = {"de": "d. MMMM y", "en": "d MMMM y"}
DATE_AND_TIME = {"de": "d. MMMM y, HH:mm", "en": "d MMMM y, HH:mm"}


def long_date(moment: datetime | None) -> str:
    """ "17. September 2014" in German, "17 September 2014" in English."""
    return in_reader_terms(moment, LONG_DATE)


def date_and_time(moment: datetime | None) -> str:
    """A date with the time of day, in the reader's timezone."""
    return in_reader_terms(moment, DATE_AND_TIME)


def in_reader_terms(moment: datetime | None, patterns: dict[str, str]) -> str:
    if moment is None:
        return ""
    language, zone = kept_with_the_language("reader_terms", language_and_zone)
    return formatted(moment, patterns.get(language, patterns["en"]), language, zone)


def language_and_zone() -> tuple[str, tzinfo]:
    return str(get_locale()), get_timezone()


@lru_cache(maxsize=8192)
def formatted(moment: datetime, pattern: str, language: str, zone: tzinfo) -> str:
    """The moment in that zone and language (a naive moment is UTC, as the database keeps it).

    The same dates come back on every page that lists letters, and Babel takes a while
    to format one.
    """
    return dates.format_datetime(moment, pattern, tzinfo=zone, locale=language)


def translations_in_use() -> Translations:
    """The current language's catalogue, found once per request (and per forced language)."""
    return kept_with_the_language("translations_in_use", get_translations)


def kept_with_the_language(name: str, find: Callable[[], T]) -> T:
    """What `find` gives for the current language, found once per request and language.

    Flask-Babel finds the language, its catalogue and the timezone anew at every call,
    through several lookups of the request's context: a thread page translates over a
    hundred strings and dates. Its context remembers the language as one Locale object until
    the language changes (force_locale makes a new one), so the value is kept beside that
    object and found again only when it is another.
    """
    state = g.get("_flask_babel")
    locale = getattr(state, "babel_locale", None)
    if locale is None:  # not chosen yet in this context: Flask-Babel chooses and remembers
        return find()
    kept = getattr(state, name, None)
    if kept is None or kept[0] is not locale:
        kept = (locale, find())
        setattr(state, name, kept)
    return kept[1]


def translate(string: str) -> str:
    """gettext, quicker (see translations_in_use)."""
    return translations_in_use().ugettext(string)


def translate_plural(singular: str, plural: str, count: int) -> str:
    return translations_in_use().ungettext(singular, plural, count)


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
    app.jinja_env.install_gettext_callables(translate, translate_plural, newstyle=True)
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.filters["date_and_time"] = date_and_time
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
