"""Search snippets built from a bounded piece of a letter's text, at a bounded cost.

The database finds and ranks letters; the few shown on a page get their snippet here. Only
the first SOURCE_LIMIT characters of a letter's rendered text are read, so a letter of one
word repeated thirty thousand times costs what a short letter costs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from html import unescape

import nh3
from markupsafe import Markup, escape

from app.discovery.stems import word_stems

SOURCE_LIMIT = 20_000  # characters of rendered HTML read per letter
SNIPPET_WORDS = 24
WORDS_BEFORE_HIT = 8
START, STOP = "\x02", "\x03"  # marks around hits; replaced by <mark> after escaping
WORD = re.compile(r"\w+", re.UNICODE)
SPACE = re.compile(r"\s+")
# Inflections the stemmers find ("Gewohnheiten" for "Gewohnheit") mostly share a beginning.
SHORTEST_STEM = 4


@lru_cache(maxsize=4096)
def folded(word: str) -> str:
    """A word as the search index compares it: case-folded, without diacritics."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@lru_cache(maxsize=4096)
def folded_stems(word: str) -> frozenset[str]:
    """The word's German and English stems, as the search index compares them."""
    return frozenset(folded(stem) for stem in word_stems(word.lower()))


@dataclass(frozen=True)
class Wanted:
    """The search terms as snippets compare them: folded, and by their stems."""

    terms: frozenset[str]
    stems: frozenset[str]

    @classmethod
    def of(cls, terms: list[str]) -> Wanted:
        stems = frozenset().union(*(folded_stems(term) for term in terms))
        return cls(frozenset(folded(term) for term in terms), stems)


def is_hit(word: str, wanted: Wanted) -> bool:
    """The word is a search term, or an inflection of one (a shared stem, a longer form)."""
    plain = folded(word)
    if plain in wanted.terms or not folded_stems(word).isdisjoint(wanted.stems):
        return True
    return any(
        len(term) >= SHORTEST_STEM
        and len(plain) >= SHORTEST_STEM
        and (plain.startswith(term) or term.startswith(plain))
        for term in wanted.terms
    )


def plain_text_of(html: str) -> str:
    """The readable text of the beginning of sanitised HTML: no tags, no Markdown marks."""
    text = unescape(nh3.clean(html[:SOURCE_LIMIT], tags=set()))
    # Our hit marks must come only from us, never from the letter's own text.
    return SPACE.sub(" ", text.replace(START, "").replace(STOP, "")).strip()


def marked_snippet(text: str, wanted: Wanted) -> str | None:
    """About SNIPPET_WORDS words around the first hit, hits marked; None without a hit."""
    words = list(WORD.finditer(text))
    first = next((n for n, word in enumerate(words) if is_hit(word.group(), wanted)), None)
    if first is None:
        return None
    begin = max(0, first - WORDS_BEFORE_HIT)
    shown = words[begin : begin + SNIPPET_WORDS]
    # The punctuation before the first and after the last word belongs to the snippet.
    start = shown[0].start() if begin > 0 else 0
    end = shown[-1].end() if begin + SNIPPET_WORDS < len(words) else len(text)
    pieces, position = [], start
    for word in shown:
        pieces.append(text[position : word.start()])
        if is_hit(word.group(), wanted):
            pieces.append(START + word.group() + STOP)
        else:
            pieces.append(word.group())
        position = word.end()
    pieces.append(text[position:end])
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return prefix + "".join(pieces) + suffix


def opening_words(text: str) -> str:
    """The first SNIPPET_WORDS words, for a letter found by its title alone."""
    window = SNIPPET_WORDS * 40
    words = list(WORD.finditer(text[:window]))
    if len(words) <= SNIPPET_WORDS and len(text) <= window:
        return text
    if len(words) < SNIPPET_WORDS:  # a few very long words
        return text[:window] + " …"
    return text[: words[SNIPPET_WORDS - 1].end()] + " …"


def letter_snippet(body_html: str, postscript_html: str, terms: list[str]) -> Markup:
    """The snippet shown under a search result: from the body, else the P.S., else the start."""
    wanted = Wanted.of(terms)
    body = plain_text_of(body_html)
    snippet = marked_snippet(body, wanted)
    if snippet is None and postscript_html:
        snippet = marked_snippet(plain_text_of(postscript_html), wanted)
    return highlight(snippet if snippet is not None else opening_words(body))


def highlight(snippet: str) -> Markup:
    """Escape the letter's text, then turn our hit marks into <mark> elements."""
    escaped = str(escape(snippet))
    return Markup(escaped.replace(START, "<mark>").replace(STOP, "</mark>"))
