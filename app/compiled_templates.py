"""How templates are compiled and found: once per language, and imported quickly.

Jinja compiles a template once and renders it for every request. Two things it would do on
every render are done once here instead: finding the translation of each fixed string
(`_("Sign in")`), and gathering a template's globals from the environment's.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from flask import Flask, has_app_context
from flask import templating as flask_templating
from flask_babel import get_locale
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
from jinja2.utils import LRUCache, internalcode
from markupsafe import Markup

from app.i18n import kept_with_the_language, translate

# The language a template is being compiled for, while it is (see TranslatedEnvironment).
_compiling_for: ContextVar[str | None] = ContextVar("compiling_for", default=None)
# Set while a page that must not touch the database is found (see without_language).
_language_left_out: ContextVar[bool] = ContextVar("language_left_out", default=False)


class TranslatedEnvironment(flask_templating.Environment):
    """Jinja's environment, keeping each template compiled once per language.

    A page says `_("Sign in")` a few dozen times, and each call found the language's
    catalogue and the string in it anew (a twentieth of a letter page). Compiled for one
    language, a template holds those strings already translated (ConstantTranslations);
    calls with variables, plurals and dates stay calls.
    """

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """A template's globals as one dict, not Jinja's ChainMap over the environment's.

        Jinja copies them into every render's context and compares the importer's with the
        imported template's at every `{% from … import … %}`: over a ChainMap of a hundred
        names that is a walk in Python each time, over a dict a copy in C. Jinja asks that
        globals not change once a template is loaded; here all are set while the app is built.
        """
        return {**self.globals, **(d or {})}

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
    if not has_app_context() or _language_left_out.get():
        return None
    return kept_with_the_language("template_language", lambda: str(get_locale()))


@contextmanager
def without_language() -> Iterator[None]:
    """Templates found here are compiled for no language: finding the reader's may load the
    signed-in colleague, and the page of last resort is shown when the database is down."""
    token = _language_left_out.set(True)
    try:
        yield
    finally:
        _language_left_out.reset(token)


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


# As many templates as Jinja keeps by default, each once per language and once without one.
TEMPLATES_KEPT_PER_LANGUAGE = 400


def init_template_compiling(app: Flask) -> None:
    app.jinja_env.add_extension(ConstantTranslations)
    languages = len(app.config["LANGUAGES"]) + 1
    app.jinja_env.cache = LRUCache(TEMPLATES_KEPT_PER_LANGUAGE * languages)
