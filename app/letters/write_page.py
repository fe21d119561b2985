"""What the write page shows beside the form: who would be told on publishing."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from app.accounts.service import user_by_handle
from app.letters.events import PlannedLetter, letter_audience_asked, values_from
from app.letters.forms import LetterForm
from app.letters.models import Letter, LetterStatus
from app.letters.related import parse_tags


def audience_of(form: LetterForm, letter: Letter | None, parent: Letter | None) -> dict[str, Any]:
    """Who would be told on publishing (asked of the features that tell them)."""
    if letter is not None and letter.status != LetterStatus.DRAFT:
        return {}
    addressee = user_by_handle(form.addressee.data) if form.addressee.data else None
    if parent is not None:
        thread_root_id = parent.thread_root_id
    elif letter is not None and letter.thread_root_id != letter.id:
        thread_root_id = letter.thread_root_id
    else:
        thread_root_id = None
    planned = PlannedLetter(
        author_id=current_user.id,
        addressee_id=addressee.id if addressee else None,
        thread_root_id=thread_root_id,
        tags=tuple(parse_tags(form.tags.data or "")),
    )
    return values_from(letter_audience_asked, planned)
