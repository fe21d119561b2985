"""The discovery feature's part in a letter's life (the search index and "more letters"),
and in a colleague's: letters are found by their people's current names."""

from __future__ import annotations

from typing import Any

from app.accounts.events import name_changed
from app.accounts.models import User
from app.discovery.search_index import index_letter, index_names_of
from app.discovery.suggestions import more_letters, queue_neighbour_refresh
from app.letters.events import (
    letter_edited,
    letter_hidden,
    letter_page_shown,
    letter_published,
    letter_restored,
    letter_withdrawn,
)
from app.letters.models import Letter
from app.letters.shown import PageLetter


def keep_search_index(letter: Letter, **_: Any) -> None:
    """Readers find a letter exactly while it is published (index_letter leaves others out)."""
    index_letter(letter)


# Not letter_saved: a draft is never in the index, and a letter saved and published at once
# would be written twice; an edit of a public letter comes as letter_edited.
for _signal in (letter_published, letter_edited, letter_withdrawn, letter_hidden, letter_restored):
    _signal.connect(keep_search_index)


@name_changed.connect
def find_letters_by_new_name(user: User, **_: Any) -> None:
    """Readers find a colleague's letters by the name the colleague has now."""
    index_names_of(user)


@letter_published.connect
def suggest_around_published(letter: Letter, in_bulk: bool = False, **_: Any) -> None:
    """The new letter's "more letters", and those of the letters it resembles, are worked
    out by the sender within seconds: ranking them in the request made publishing cost
    more the bigger the site grew (the similar-words search reads a word's every letter)."""
    queue_neighbour_refresh(letter, new=in_bulk)


@letter_edited.connect
def suggest_for_edited(letter: Letter, **_: Any) -> None:
    """An edit changes the letter's words: its own "more letters" are worked out again."""
    queue_neighbour_refresh(letter)


@letter_page_shown.connect
def more_letters_on_the_page(letter: PageLetter, **_: Any) -> dict[str, Any]:
    return {"more": more_letters(letter) if letter.is_published else []}
