"""A claimed notice rendered for sending, or the reason it is not sent."""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from app.deliverability import suspended_among
from app.notifications.compose import LetterCache, render_notice
from app.outbox import COMPOSED_IN_REQUEST, Notice, NoticeKind

log = logging.getLogger(__name__)


@dataclass
class Outgoing:
    """A rendered notice, detached from the session so that no transaction spans SMTP."""

    id: int
    recipient: str
    attempts: int
    created_at: datetime
    raw: bytes = b""
    message_id: str = ""
    render_error: str = ""
    # Why it is not sent after all ("" while it is): its letter was withdrawn or hidden, or
    # its subscriber unsubscribed, after the notice was written.
    dropped: str = ""


LETTER_KINDS = frozenset(NoticeKind) - COMPOSED_IN_REQUEST - {NoticeKind.DIGEST}


# Mail the person asked for a moment ago goes out even to a suspended address: confirming
# the address again is how a suspension is lifted.
ASKED_FOR = COMPOSED_IN_REQUEST


def suspended_recipients(notices: list[Notice]) -> set[str]:
    """The batch's recipients that mail bounced from, in one query (lower-case)."""
    return suspended_among(notice.recipient for notice in notices if notice.kind not in ASKED_FOR)


def render_item(
    notice: Notice, cache: LetterCache, suspended: Collection[str] = frozenset()
) -> Outgoing:
    """One notice rendered, or marked as dropped, or carrying the error that stopped it."""
    item = Outgoing(notice.id, notice.recipient, notice.attempts, notice.created_at)
    try:
        item.dropped = reason_to_drop(notice, cache, suspended)
        if item.dropped:
            return item
        item.raw, item.message_id = render_notice(notice, cache)
    except Exception as error:  # noqa: BLE001 — recorded on the row as its failure
        log.exception("rendering notice %s failed", notice.id)
        item.render_error = f"{type(error).__name__}: {error}"
    return item


LETTER_GONE = "The letter is no longer published."
SUBSCRIPTION_GONE = "The subscriber unsubscribed before it was sent."
ADDRESS_SUSPENDED = "Mail to this address bounced: it is suspended."


def reason_to_drop(
    notice: Notice, cache: LetterCache, suspended: Collection[str] = frozenset()
) -> str:
    """Why the notice is no longer wanted (or cannot be delivered), or "" if it still is."""
    if notice.kind not in ASKED_FOR and notice.recipient.lower() in suspended:
        return ADDRESS_SUSPENDED
    if not tells_of_published_letters(notice, cache):
        return LETTER_GONE
    if notice.kind == NoticeKind.SUBSCRIPTION and notice.subscription_id is None:
        # Removing a subscription sets its notices' key to NULL: the subscriber has left,
        # between the fan-out and now (a one-click unsubscribe from an earlier notice).
        return SUBSCRIPTION_GONE
    return ""


def tells_of_published_letters(notice: Notice, cache: LetterCache) -> bool:
    """A letter notice needs its letter still published; a digest at least one of its letters."""
    if notice.kind in LETTER_KINDS:
        return is_published(cache, notice.letter_id)
    if notice.kind == NoticeKind.DIGEST:
        return any(is_published(cache, letter_id) for letter_id in notice.listed_letter_ids)
    return True


def is_published(cache: LetterCache, letter_id: int | None) -> bool:
    letter = cache.letters.get(letter_id) if letter_id else None
    return letter is not None and letter.is_published


def letters_to_load(notices: list[Notice]) -> set[int]:
    """The letters a batch tells of, loaded at once; a row that names them wrongly is skipped.

    That row fails on its own when it is rendered: it must not stop the rest of the batch.
    """
    ids: set[int] = set()
    for notice in notices:
        if notice.letter_id:
            ids.add(notice.letter_id)
        try:
            ids.update(notice.listed_letter_ids)
        except ValueError:
            continue
    return ids
