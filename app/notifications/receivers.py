"""The notifications feature's part in a letter's life: the outbox event of a new letter."""

from __future__ import annotations

from typing import Any

from app.letters.events import letter_published
from app.letters.models import Letter
from app.notifications.service import record_letter_published


@letter_published.connect
def announce_published_letter(letter: Letter, announce: bool, **_: Any) -> None:
    """Same transaction as the letter: no notice without the letter, nor a letter without."""
    if announce:
        record_letter_published(letter)
