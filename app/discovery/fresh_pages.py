"""The page cache's part in a letter's and a colleague's life: pages are made anew after each
change readers would see (app/page_version.py moves the version on when the change commits).

Tags, links and backlinks change with the letter signals (the links feature stores them on
letter_saved), and "more letters" of other letters change in the sender, which says so itself.
"""

from __future__ import annotations

from typing import Any

from app.accounts.events import name_changed, profile_changed
from app.letters.events import (
    letter_edited,
    letter_hidden,
    letter_published,
    letter_restored,
    letter_saved,
    letter_withdrawn,
)
from app.letters.models import Letter, LetterStatus
from app.page_version import pages_changed


def make_pages_anew(_sender: Any, **_: Any) -> None:
    """Every shared page may show what changed: its letter, its people, its lists."""
    pages_changed()


@letter_saved.connect
def make_pages_anew_unless_draft(letter: Letter, **_: Any) -> None:
    """A draft shows on no shared page (its tags and links count once it is published)."""
    if letter.status != LetterStatus.DRAFT:
        pages_changed()


for _signal in (
    letter_published,
    letter_edited,
    letter_withdrawn,
    letter_hidden,
    letter_restored,
    name_changed,
    profile_changed,
):
    _signal.connect(make_pages_anew)
