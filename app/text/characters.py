"""Characters that have no place in stored text, taken out of text that comes from elsewhere.

PostgreSQL refuses NUL; other control characters garble pages and mail; bidi embeddings
and overrides turn text around so that it reads other than it is (an address, a name); a
zero-width space or a byte order mark in the middle of a word hides it from search.
Zero-width joiners stay: emoji and some scripts need them.
"""

from __future__ import annotations

import re
import unicodedata

UNWANTED = re.compile(
    "["
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # control characters but tab and line breaks
    "\u202a-\u202e\u2066-\u2069"  # bidi embeddings, overrides and isolates
    "\u200b\u2060\ufeff\u180e"  # zero-width space, word joiner, byte order mark
    "\ud800-\udfff\ufffe\uffff"  # lone surrogates and non-characters: no encoding has them
    "]"
)


def cleaned_text(text: str) -> tuple[str, int]:
    """The text without unwanted characters, lines ending in \\n, composed (NFC), and how
    many characters were taken out."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text, removed = UNWANTED.subn("", text)
    return unicodedata.normalize("NFC", text), removed
