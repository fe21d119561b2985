"""The parts of a letter page every reader shares, rendered once per content version.

A letter page shows the letter, its tags and links, its answers and more letters: the same
for every reader of one language and timezone, signed in or not. Those parts are rendered
together from letters/_letter_parts.html and kept in the page cache's store under the
content version (app/page_cache.py: kept_part), so a colleague's page, which is never kept
whole, only renders its own parts around them: the menus, the forms, their signature.
A draft or a hidden letter is rendered for its one reader and never kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import get_locale, get_timezone
from markupsafe import Markup

from app.letters.events import letter_page_shown, values_from
from app.letters.models import LetterStatus
from app.letters.queries import replies_to, thread_size_of
from app.letters.shown import PageLetter
from app.page_cache import kept_part

PARTS_TEMPLATE = "letters/_letter_parts.html"


@dataclass(frozen=True)
class LetterPageParts:
    """Rendered HTML of the shared parts, and the correspondence's size for the menu."""

    head: Markup
    article: Markup
    related: Markup
    after: Markup
    thread_size: int


def letter_page_parts(letter: PageLetter) -> LetterPageParts:
    """The shared parts of the letter's page, kept while the content stays as it is."""
    if letter.status != LetterStatus.PUBLISHED:
        return render_parts(letter)
    # Dates are shown in the reader's language and timezone: a part for each.
    name = f"letter:{letter.id}:{get_locale()}:{get_timezone()}"
    return kept_part(name, lambda: render_parts(letter))


def render_parts(letter: PageLetter) -> LetterPageParts:
    """Render the shared parts (the receivers of letter_page_shown give their values)."""
    context = {"letter": letter, "replies": replies_to(letter),
               **values_from(letter_page_shown, letter)}  # fmt: skip
    current_app.update_template_context(context)
    module = current_app.jinja_env.get_template(PARTS_TEMPLATE).make_module(context)
    return LetterPageParts(
        head=Markup(module.head),
        article=Markup(module.article),
        related=Markup(module.related),
        after=Markup(module.after),
        thread_size=thread_size_of(letter),
    )
