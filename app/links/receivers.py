"""The links feature's part in a letter's life: its tags and links, and what pages show of them."""

from __future__ import annotations

from typing import Any

from app.letters.events import (
    PlannedLetter,
    letter_form_filled,
    letter_page_shown,
    letter_preview_asked,
    letter_published,
    letter_saved,
)
from app.letters.models import Letter
from app.letters.service import LetterDraft
from app.letters.shown import PageLetter
from app.links.service import (
    date_tags,
    related_text,
    set_links,
    set_tags,
    tag_names,
    tags_and_links_of,
    tags_named,
)


@letter_saved.connect
def store_tags_and_links(
    letter: Letter, draft: LetterDraft, created: bool = False, **_: Any
) -> None:
    """The writer's tags and related discussions, and the letters the text links to."""
    set_tags(letter, draft.tags, replace=not created)
    set_links(letter, draft.related, replace=not created)


@letter_published.connect
def date_the_tags(letter: Letter, in_bulk: bool = False, **_: Any) -> None:
    """Tag pages list the letter by its publication date (a draft published from its page;
    a letter coming in bulk was saved published, its tags with the date)."""
    if not in_bulk:
        date_tags(letter)


@letter_page_shown.connect
def tags_and_links_on_the_page(letter: PageLetter, **_: Any) -> dict[str, Any]:
    """The category and tags, related discussions and "mentioned in" of a letter page."""
    tags, links = tags_and_links_of(letter)
    return {"tags": tags, "links": links}


@letter_form_filled.connect
def tags_and_links_in_the_form(letter: Letter, **_: Any) -> dict[str, str]:
    """The edit form's tags and related discussions, as the writer typed them."""
    return {"tags": ", ".join(tag_names(letter)), "related": related_text(letter)}


@letter_preview_asked.connect
def tags_in_the_preview(planned: PlannedLetter, **_: Any) -> dict[str, Any]:
    """The category and tags of a preview, named as saving the letter will name them."""
    return {"tags": tags_named(list(planned.tags))}
