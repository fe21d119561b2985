"""The page cache's part in a letter's and a colleague's life: pages are made anew after each
change readers would see (app/page_version.py moves the version on when the change commits).

Tags, links and backlinks change with the letter signals (the links feature stores them on
letter_saved, which for a letter readers can see always comes with letter_published or
letter_edited; a draft shows on no shared page), and "more letters" of other letters change
in the sender, which says so itself.
"""

from __future__ import annotations

from typing import Any

from app.accounts.events import name_changed, profile_changed
from app.letters.events import (
    letter_edited,
    letter_hidden,
    letter_published,
    letter_restored,
    letter_withdrawn,
)
from app.page_version import pages_changed


def make_pages_anew(_sender: Any, **_: Any) -> None:
    """Every shared page may show what changed: its letter, its people, its lists."""
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
