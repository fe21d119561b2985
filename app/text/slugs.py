"""Readable, ASCII-only slugs for letters and tags."""

from __future__ import annotations

import re
import unicodedata

GERMAN_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
SLUG_MAX = 80


def slugify(text: str, fallback: str = "letter") -> str:
    """ "Liebe Grüße" -> "liebe-gruesse"; an empty result becomes the fallback."""
    text = text.lower().translate(GERMAN_TRANSLITERATION)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:SLUG_MAX].rstrip("-") or fallback
