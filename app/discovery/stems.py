"""Word stems for the embedded default's search: German and English Snowball stemmers.

SQLite's FTS5 does not stem, so the search index holds stems made here, and a query is
looked up by the stems of its words. A letter's words are stemmed in the letter's language;
where the other language's stemmer gives another stem, that stem is kept too (in a column of
its own that ranks lower), because German letters borrow English words ("Reviews") and
English letters German ones. A query word is looked up by both of its stems, since nothing
tells which language the reader typed in.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from functools import lru_cache

import Stemmer

WORD = re.compile(r"\w+", re.UNICODE)
SNOWBALL_NAMES = {"de": "german", "en": "english"}
LANGUAGES = tuple(SNOWBALL_NAMES)

# A Stemmer object must not be shared between threads; each thread gets its own.
_local = threading.local()


def stemmer(language: str) -> Stemmer.Stemmer:
    """This thread's stemmer for German ("de") or English (any other language)."""
    stemmers = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {
            code: Stemmer.Stemmer(name) for code, name in SNOWBALL_NAMES.items()
        }
    return stemmers["de" if language == "de" else "en"]


def other_language(language: str) -> str:
    return "en" if language == "de" else "de"


def words_of(text: str) -> list[str]:
    """The words of a text, lower-cased, as the index and the query see them."""
    return WORD.findall(text.lower())


def stem_table(words: Iterable[str], language: str) -> dict[str, str]:
    """Each distinct word and its stem: a letter of one word repeated costs one stemming."""
    distinct = list(set(words))
    return dict(zip(distinct, stemmer(language).stemWords(distinct), strict=True))


def stemmed(text: str, language: str) -> tuple[str, str]:
    """The text's stems in its language, and the other language's stems that differ."""
    words = words_of(text)
    own = stem_table(words, language)
    other = stem_table(words, other_language(language))
    return (
        " ".join(own[word] for word in words),
        " ".join(other[word] for word in words if other[word] != own[word]),
    )


@lru_cache(maxsize=4096)
def word_stems(word: str) -> tuple[str, ...]:
    """A (lower-case) word's German and English stems, each once: what a query looks up."""
    return tuple(dict.fromkeys(stemmer(language).stemWord(word) for language in LANGUAGES))


def name_stems(*names: str) -> str:
    """People's names for the index: every word by both of its stems."""
    return " ".join(stem for word in words_of(" ".join(names)) for stem in word_stems(word))
