"""Email addresses as people see them: full-width forms folded, look-alike alphabets caught.

Two addresses that look the same on a page must not count as two people. Full-width and
other compatibility forms ("ｓｖｅｎ＠example.org") are the same address once folded (NFKC);
an address that mixes alphabets whose letters look alike (a Cyrillic "а" among Latin
letters) is refused by the forms that count people, since it can only be meant to pass
for another one.
"""

from __future__ import annotations

import unicodedata


def folded_address(address: str) -> str:
    """The address in Unicode's compatibility form, trimmed and lower-cased."""
    return unicodedata.normalize("NFKC", address).strip().lower()


def mixes_lookalike_alphabets(address: str) -> bool:
    """Whether letters of different alphabets that look alike are mixed ("ѕvеn", "аlice")."""
    # Its table of look-alikes takes 8 MB: loaded by the processes that check an address.
    from confusable_homoglyphs import confusables

    return bool(confusables.is_dangerous(address))
