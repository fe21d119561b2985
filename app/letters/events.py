"""What happens to a letter, told to the features above that care (blinker signals).

The letters feature knows nothing of search, links, "more letters" or notices: it sends
these signals, and those features connect to them. A receiver adds to the session and never
commits, so the letter and everything that follows from it land in one transaction.

Each signal's sender is the letter; the keyword arguments are given with each signal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from blinker import Namespace, Signal

from app.letters.models import Letter

if TYPE_CHECKING:  # queries imports the models, as this module does
    from app.letters.shown import ShownLetter

letter_signals = Namespace()

# Saved from the write form, as a draft or published (draft=LetterDraft; created=True when
# the letter is new, so it has no tags or links yet): tags, links, index.
letter_saved = letter_signals.signal("letter-saved")
# A draft became public (announce=False for a letter published with a date of its own;
# in_bulk=True for a new letter among many coming at once, saved already published: an
# import. Work that can wait is left to the sender).
letter_published = letter_signals.signal("letter-published")
# A published or hidden letter's text was changed.
letter_edited = letter_signals.signal("letter-edited")
letter_withdrawn = letter_signals.signal("letter-withdrawn")
letter_hidden = letter_signals.signal("letter-hidden")
letter_restored = letter_signals.signal("letter-restored")

# Asked while a page is built; each receiver answers with template values of its own.
# What letter_page_shown answers is the same for every reader of one language and timezone:
# the letter page keeps it, rendered, until the content changes (app/letters/page_parts.py).
letter_page_shown = letter_signals.signal("letter-page-shown")
# Asked for each viewer of a letter page, never kept: what depends on who reads (forms
# with their token, the viewer's own signature) or is shown on drafts only.
letter_page_viewed = letter_signals.signal("letter-page-viewed")
# The same for a correspondence's page (sender: its first letter).
thread_page_shown = letter_signals.signal("thread-page-shown")
letter_form_filled = letter_signals.signal("letter-form-filled")
# Asked before publishing (sender: a PlannedLetter): who would be told of it.
letter_audience_asked = letter_signals.signal("letter-audience-asked")
# Asked for the preview (sender: a PlannedLetter): its tags as the letter page will name them.
letter_preview_asked = letter_signals.signal("letter-preview-asked")


@dataclass(frozen=True)
class PlannedLetter:
    """A letter as the write form has it now, published or not."""

    author_id: int
    addressee_id: int | None
    thread_root_id: int | None  # None: it would open a correspondence of its own
    tags: tuple[str, ...]
    in_reply_to_id: int | None = None  # the letter it answers


def values_from(signal: Signal, sender: Letter | ShownLetter | PlannedLetter) -> dict[str, Any]:
    """The template values every receiver of the signal contributes for this letter."""
    values: dict[str, Any] = {}
    for _receiver, contributed in signal.send(sender):
        values.update(contributed or {})
    return values
