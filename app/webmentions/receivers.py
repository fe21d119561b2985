"""Webmentions' part in a letter's life: the pages it links to are told, its page shows answers."""

from __future__ import annotations

from typing import Any

from app.letters.events import (
    letter_edited,
    letter_hidden,
    letter_page_shown,
    letter_published,
    letter_restored,
    letter_withdrawn,
    thread_page_shown,
)
from app.letters.models import Letter
from app.letters.shown import PageLetter
from app.web import absolute_url
from app.webmentions.answers import answers_in_correspondence, responses_to
from app.webmentions.sending import queue_webmentions


@letter_published.connect
def tell_linked_pages_of_publishing(letter: Letter, announce: bool = True, **_: Any) -> None:
    """Queue notices to the pages it links to (not for a letter published as history)."""
    if announce:
        queue_webmentions(letter)


@letter_edited.connect
@letter_restored.connect
def tell_linked_pages_again(letter: Letter, **_: Any) -> None:
    """Pages it links to now, and pages it no longer links to, may take the change."""
    if letter.is_published:
        queue_webmentions(letter)


@letter_withdrawn.connect
@letter_hidden.connect
def tell_linked_pages_it_is_gone(letter: Letter, **_: Any) -> None:
    """Pages told of the letter find it gone when they look again."""
    queue_webmentions(letter)


@letter_page_shown.connect
def outside_responses_on_the_page(letter: PageLetter, **_: Any) -> dict[str, Any]:
    """The endpoint to advertise, and other sites' answers, likes and mentions."""
    return {"webmention_endpoint": absolute_url("webmentions.receive"),
            "outside": responses_to(letter)}  # fmt: skip


@thread_page_shown.connect
def outside_answers_in_the_correspondence(root: PageLetter, **_: Any) -> dict[str, Any]:
    """Other sites' answers, each under the letter it answers."""
    return {"outside_answers": answers_in_correspondence(root)}
