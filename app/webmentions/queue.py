"""The webmentions' background work, claimed one row at a time by any number of senders.

A row is claimed in a short transaction (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite lets
one writer in at a time) and the talking to other sites happens after its commit, holding
no lock; the outcome is written in another short transaction, and only while the claim is
still ours: a row queued again meanwhile (a new POST) keeps its place in the queue.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import Select, or_, select

from app.database import read_only_transactions, utc_now
from app.extensions import db
from app.webmentions.fetching import FetchFailed
from app.webmentions.models import QueuedWork, ReceivedWebmention, SentWebmention

log = logging.getLogger(__name__)

# Longer than one piece of work can take (a page read within three timeouts, twice).
LEASE = timedelta(minutes=3)
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)
GIVE_UP_AFTER = timedelta(days=2)

Work = TypeVar("Work", ReceivedWebmention, SentWebmention)
Job = TypeVar("Job")
Result = TypeVar("Result")


def retry_delay(attempts: int) -> timedelta:
    """About 30 s, doubling with each failure, never more than an hour."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_RETRY)


def due(model: type[Work], now: datetime) -> Select:
    """Rows due by now that no sender holds a claim on."""
    return select(model).where(
        model.due_at <= now, or_(model.claimed_until.is_(None), model.claimed_until < now)
    )


def claim_next(model: type[Work], job_of: Callable[[Work], Job]) -> Job | None:
    """The row due longest, claimed for us and committed, as `job_of` copies it; or None."""
    now = utc_now()
    # Looked for first in a transaction that only reads: most rounds find nothing, and on
    # SQLite the claim's transaction takes the write lock that colleagues' saves wait for.
    with read_only_transactions():
        anything = db.session.scalar(due(model, now).with_only_columns(model.id).limit(1))
        db.session.commit()
    if anything is None:
        return None
    row = db.session.scalars(
        due(model, now).order_by(model.due_at, model.id).limit(1).with_for_update(skip_locked=True)
    ).first()
    job = None
    if row is not None:
        row.claim, row.claimed_until = uuid.uuid4().hex, now + LEASE
        job = job_of(row)
    db.session.commit()
    return job


def claimed_row(model: type[Work], row_id: int, claim: str) -> Work | None:
    """The row, locked, if our claim on it still holds."""
    return db.session.scalars(
        select(model).where(model.id == row_id, model.claim == claim).with_for_update()
    ).first()


def queue_now(row: QueuedWork) -> None:
    """Due at once, from the start: a claim on it no longer counts."""
    now = utc_now()
    row.due_at = row.queued_at = now
    row.attempts, row.claim, row.claimed_until, row.last_error = 0, None, None, ""


def done(row: QueuedWork) -> None:
    row.due_at, row.claim, row.claimed_until = None, None, None
    row.attempts, row.last_error = 0, ""


def retry_later(row: QueuedWork, error: str) -> bool:
    """Due again after a growing delay; False (and no longer due) once two days have passed."""
    now = utc_now()
    row.attempts += 1
    row.claim, row.claimed_until, row.last_error = None, None, error[:500]
    if now - row.queued_at > GIVE_UP_AFTER:
        row.due_at = None
        return False
    row.due_at = now + retry_delay(row.attempts)
    return True


def carry_out(
    job: Job,
    work: Callable[[Job], Result],
    succeeded: Callable[[Job, Result], None],
    failed: Callable[[Job, FetchFailed], None],
) -> None:
    """Do a claimed job's work (no transaction open meanwhile), then record how it went."""
    try:
        result = work(job)
    except FetchFailed as error:
        failed(job, error)
    except Exception as error:  # noqa: BLE001 — a page nothing expected must not stop the queue
        log.exception("webmention work failed: %s", job)
        failed(job, FetchFailed(f"{type(error).__name__}: {error}"[:300]))
    else:
        succeeded(job, result)
    db.session.commit()
