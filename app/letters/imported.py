"""Letters from elsewhere (an old blog): in with their own date and address, nobody told.

They travel the same signals as letters written here, so tags, links and backlinks, the
search index, "more letters" and the page caches follow; `announce=False` keeps them out of
the outbox: nobody gets a notice about a letter of years ago.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.letters.events import letter_published, letter_saved
from app.letters.models import Letter, LetterStatus
from app.letters.service import RESERVED_SLUGS, LetterDraft, apply_draft, publish_letter

# Slugs looked up at once: well below the bound parameters every database allows.
SLUG_BATCH = 500


@dataclass(frozen=True)
class LetterPast:
    """What an imported letter brings from where it was first published."""

    slug: str  # free: see taken_slugs
    written_at: datetime
    published: bool  # False: it comes in as a draft, seen by its author only


def taken_slugs(slugs: Collection[str]) -> set[str]:
    """Those of these slugs that a letter has, or that name a page of its own."""
    taken = set(RESERVED_SLUGS.intersection(slugs))
    wanted = sorted(set(slugs))
    for start in range(0, len(wanted), SLUG_BATCH):
        batch = wanted[start : start + SLUG_BATCH]
        taken.update(db.session.scalars(select(Letter.slug).where(Letter.slug.in_(batch))))
    return taken


def import_letter(author: User, draft: LetterDraft, past: LetterPast) -> Letter:
    """A letter from elsewhere, at its own slug and date; announced to nobody.

    Its salutation is the one found in it, or none: an old post gets no greeting invented.
    """
    letter = Letter(author_id=author.id, status=LetterStatus.DRAFT, created_at=past.written_at)
    apply_draft(letter, draft)
    letter.salutation = draft.salutation.strip()
    letter.slug = past.slug
    db.session.add(letter)
    db.session.flush()
    letter.thread_root_id = letter.id
    if past.published:
        publish_letter(letter, past.written_at)
    letter_saved.send(letter, draft=draft, created=True)
    db.session.flush()
    if past.published:
        letter_published.send(letter, announce=False, in_bulk=True)
    return letter
