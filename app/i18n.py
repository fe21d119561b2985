"""Language and timezone of each request, and localised dates."""

from __future__ import annotations

import os
import tempfile
import weakref
from collections.abc import Callable, Iterator, MutableMapping
from contextvars import ContextVar
from datetime import datetime, tzinfo
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from babel import dates
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from flask import Flask, current_app, g, has_app_context, has_request_context, request
from flask import templating as flask_templating
from flask_babel import get_locale, get_timezone, get_translations
from flask_login import current_user
from jinja2 import BytecodeCache, Template
from jinja2.bccache import Bucket
from jinja2.ext import Extension
from jinja2.lexer import (
    TOKEN_DOT,
    TOKEN_LPAREN,
    TOKEN_NAME,
    TOKEN_PIPE,
    TOKEN_RPAREN,
    TOKEN_STRING,
    Token,
    TokenStream,
)
from jinja2.utils import internalcode
from markupsafe import Markup
from sqlalchemy.exc import SQLAlchemyError
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


# The language a template is being compiled for, while it is (see TranslatedEnvironment).
_compiling_for: ContextVar[str | None] = ContextVar("compiling_for", default=None)


class TranslatedEnvironment(flask_templating.Environment):
    """Jinja's environment, keeping each template compiled once per language.

    A page says `_("Sign in")` a few dozen times, and each call found the language's
    catalogue and the string in it anew (a twentieth of a letter page). Compiled for one
    language, a template holds those strings already translated (ConstantTranslations);
    calls with variables, plurals and dates stay calls.
    """

    @property
    def bytecode_cache(self) -> BytecodeCache | None:
        return self._bytecode_cache

    @bytecode_cache.setter
    def bytecode_cache(self, cache: BytecodeCache | None) -> None:
        # A cache keyed by the template alone would hand one language's code to the other.
        self._bytecode_cache = None if cache is None else BytecodeCacheByLanguage(cache)

    @internalcode
    def _load_template(self, name: str, globals: MutableMapping[str, Any] | None) -> Template:
        language = template_language()
        if language is None or self.loader is None or self.cache is None:
            return super()._load_template(name, globals)
        key = (weakref.ref(self.loader), name, language)
        template = self.cache.get(key)
        if template is None or (self.auto_reload and not template.is_up_to_date):
            token = _compiling_for.set(language)
            try:
                template = self.loader.load(self, name, self.make_globals(globals))
            finally:
                _compiling_for.reset(token)
            self.cache[key] = template
        elif globals:
            template.globals.update(globals)
        return template


class BytecodeCacheByLanguage(BytecodeCache):
    """Another bytecode cache, keeping each template's code apart for each language."""

    def __init__(self, kept_in: BytecodeCache) -> None:
        self.kept_in = kept_in

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        language = _compiling_for.get() or ""
        return f"{self.kept_in.get_cache_key(name, filename)}:{language}"

    def load_bytecode(self, bucket: Bucket) -> None:
        self.kept_in.load_bytecode(bucket)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.kept_in.dump_bytecode(bucket)

    def clear(self) -> None:
        self.kept_in.clear()


def template_language() -> str | None:
    """The language of what is being rendered, None outside an application."""
    if not has_app_context():
        return None
    try:
        return kept_with_the_language("template_language", lambda: str(get_locale()))
    except SQLAlchemyError:  # choosing it may load the signed-in colleague: when the database
        return None  # is down, the page saying so is compiled without a language instead


class ConstantTranslations(Extension):
    """Replaces `_("text")` by the text already translated, when compiling for a language.

    The translation is marked safe as the i18n extension's gettext marks it, so the page
    reads the same; only `_` called with one literal string and nothing else is replaced.
    """

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        if _compiling_for.get() is None:
            yield from stream
            return
        tokens = list(stream)
        at = 0
        while at < len(tokens):
            constant = translated_call(tokens, at)
            if constant is None:
                yield tokens[at]
                at += 1
                continue
            yield from constant
            at += 4


def translated_call(tokens: list[Token], at: int) -> list[Token] | None:
    """The tokens of `"translation"|safe` if tokens[at:at+4] are `_ ( "text" )`."""
    window = [token.type for token in tokens[at : at + 4]]
    if window != [TOKEN_NAME, TOKEN_LPAREN, TOKEN_STRING, TOKEN_RPAREN] or tokens[at].value != "_":
        return None
    if at and tokens[at - 1].type == TOKEN_DOT:  # something's own attribute called _
        return None
    try:
        text = str(Markup(translate(tokens[at + 2].value)) % {})  # as newstyle gettext does
    except (TypeError, ValueError):  # a lone % in the string: leave it to the call
        return None
    line = tokens[at].lineno
    return [Token(line, TOKEN_STRING, text), Token(line, TOKEN_PIPE, "|"),
            Token(line, TOKEN_NAME, "safe")]  # fmt: skip


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
    app.jinja_env.add_extension(ConstantTranslations)
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.filters["date_and_time"] = date_and_time
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
