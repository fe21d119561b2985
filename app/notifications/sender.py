"""The sender: claims due notices, renders them, sends a batch over one connection, retries."""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import bindparam, select, update

from app.database import read_only_transactions, refresh_planner_statistics, utc_now
from app.extensions import db
from app.notifications.compose import LetterCache
from app.notifications.digests import queue_due_digests
from app.notifications.heartbeat import record_heartbeat
from app.notifications.neighbour_refresh import refresh_queued_neighbours
from app.notifications.outgoing import (
    Outgoing,
    letters_to_load,
    render_item,
    suspended_recipients,
)
from app.notifications.reply_address import return_path
from app.notifications.retention import forget_expired_delivery_details
from app.notifications.service import fan_out_next_event
from app.notifications.transport import PermanentDeliveryError, ServerUnreachable, Transport
from app.outbox import DeliveryState, Notice
from app.webmentions.jobs import work_through_webmentions

log = logging.getLogger(__name__)

FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)
GIVE_UP_AFTER = timedelta(days=2)
LEASE = timedelta(minutes=5)  # unless SENDER_LEASE_SECONDS says otherwise
DIGEST_CHECK_SECONDS = 60
# Old delivery details are few an hour: looking for them hourly spares a scan a minute.
RETENTION_CHECK_SECONDS = 3600


def retry_delay(attempts: int) -> timedelta:
    """About 30 s, doubling with each failure, never more than an hour."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_RETRY)


def lease() -> timedelta:
    """How long a claim holds before other senders may take the notices over."""
    seconds = current_app.config.get("SENDER_LEASE_SECONDS")
    return timedelta(seconds=float(seconds)) if seconds else LEASE


def due_notices(due_by: datetime, limit: int) -> list[int]:
    """Notices whose sender died mid-batch (its lease ran out), then the pending ones due.

    Two queries, each in the order of an index: the pending ones walk ix_notifications_due
    (state, priority, next_attempt_at) and stop at `limit`, where one query joining both
    with OR would sort every due row at each claim (100,000 after a large fan-out).
    """
    abandoned = list(
        db.session.scalars(
            select(Notice.id)
            .where(Notice.state == DeliveryState.SENDING, Notice.claimed_until < due_by)
            .order_by(Notice.priority, Notice.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    if len(abandoned) == limit:
        return abandoned
    return abandoned + list(
        db.session.scalars(
            select(Notice.id)
            .where(Notice.state == DeliveryState.PENDING, Notice.next_attempt_at <= due_by)
            .order_by(Notice.priority, Notice.next_attempt_at, Notice.id)
            .limit(limit - len(abandoned))
            .with_for_update(skip_locked=True)
        )
    )


def claim_due_notices(limit: int, sender_id: str, due_by: datetime | None = None) -> list[int]:
    """Mark a batch as being sent by us; other senders skip the rows we locked. Commits.

    Only rows due by `due_by` (the start of the run): a notice retried during the run waits
    for the next one, so that a run ends.
    """
    now = utc_now()
    ids = due_notices(due_by or now, limit)
    if ids:
        db.session.execute(
            update(Notice)
            .where(Notice.id.in_(ids))
            .values(state=DeliveryState.SENDING, claimed_until=now + lease(), claimed_by=sender_id)
        )
    db.session.commit()
    return ids


def render_batch(ids: list[int], sender_id: str) -> list[Outgoing]:
    """Load and render our claimed notices in a transaction that only reads, then end it.

    On SQLite a reading transaction takes no write lock, so colleagues saving letters do not
    wait while a batch renders.
    """
    with read_only_transactions():
        notices = db.session.scalars(
            select(Notice)
            .where(Notice.id.in_(ids), Notice.claimed_by == sender_id)
            .order_by(Notice.priority, Notice.id)
        ).all()
        cache = LetterCache()
        cache.load(letters_to_load(notices))
        suspended = suspended_recipients(notices)
        batch = [render_item(notice, cache, suspended) for notice in notices]
        db.session.commit()
    return batch


# The columns to set come from the keys of each group's rows.
OUTCOME_UPDATE = update(Notice.__table__).where(Notice.__table__.c.id == bindparam("notice_id"))


class OutcomeLog:
    """Outcomes written in small groups: one commit per notice would cost more than the SMTP
    exchange itself. A sender killed before a flush resends at most FLUSH_EVERY notices."""

    FLUSH_EVERY = 10

    def __init__(self) -> None:
        self.pending: list[tuple[int, dict[str, object]]] = []

    def add(self, item: Outgoing, **values: object) -> None:
        self.pending.append((item.id, values))
        if len(self.pending) >= self.FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        """One executemany per kind of outcome, one commit. On the table itself: the ORM's
        bulk update by primary key cost 55 µs a notice, a third of the sender's own time."""
        groups: dict[tuple[str, ...], list[dict[str, object]]] = {}
        for notice_id, values in self.pending:
            groups.setdefault(tuple(sorted(values)), []).append({"notice_id": notice_id, **values})
        for rows in groups.values():
            db.session.execute(OUTCOME_UPDATE, rows)
        db.session.commit()
        self.pending.clear()

    def sent(self, item: Outgoing) -> None:
        # The account mail's token need not outlive its delivery: raw is dropped.
        self.add(item, state=DeliveryState.SENT, sent_at=utc_now(),
                 message_id=item.message_id, claimed_until=None, raw=None)  # fmt: skip

    def dropped(self, item: Outgoing) -> None:
        self.add(item, state=DeliveryState.DROPPED, claimed_until=None, raw=None,
                 last_error=item.dropped)  # fmt: skip

    def failed(self, item: Outgoing, error: str) -> None:
        self.add(item, state=DeliveryState.FAILED, attempts=item.attempts + 1,
                 last_error=error[:2000], claimed_until=None)  # fmt: skip

    def retry_later(self, item: Outgoing, error: str) -> None:
        """Try again after a growing delay, or give up once the notice is two days old."""
        now = utc_now()
        if now - item.created_at > GIVE_UP_AFTER:
            self.failed(item, error)
            return
        attempts = item.attempts + 1
        self.add(item, state=DeliveryState.PENDING, attempts=attempts,
                 last_error=error[:2000], claimed_until=None,
                 next_attempt_at=now + retry_delay(attempts))  # fmt: skip


def send_batch(ids: list[int], transport: Transport, sender_id: str) -> int:
    """Send the claimed notices over the transport and record each outcome."""
    batch = render_batch(ids, sender_id)
    outcomes = OutcomeLog()
    renew_at = utc_now() + lease() / 2
    sent = 0
    try:
        for position, item in enumerate(batch):
            if utc_now() > renew_at:
                outcomes.flush()
                renew_lease([waiting.id for waiting in batch[position:]], sender_id)
                renew_at = utc_now() + lease() / 2
            if item.dropped:
                outcomes.dropped(item)
                continue
            if item.render_error:
                # A notice that cannot be rendered fails the same way next time: it is
                # shown to admins with its error, and the queue goes on.
                outcomes.failed(item, item.render_error)
                continue
            try:
                transport.send(return_path(item.id), item.recipient, item.raw)
            except ServerUnreachable as error:
                for waiting in batch[position:]:
                    outcomes.retry_later(waiting, str(error))
                break
            except PermanentDeliveryError as error:
                outcomes.failed(item, str(error))
            except Exception as error:  # noqa: BLE001 — any failure is recorded and retried
                log.warning("sending notice %s failed: %s", item.id, error)
                outcomes.retry_later(item, f"{type(error).__name__}: {error}")
            else:
                outcomes.sent(item)
                sent += 1
    finally:
        outcomes.flush()
    return sent


def renew_lease(ids: list[int], sender_id: str) -> None:
    """Keep our claim while a slow batch is still being sent."""
    db.session.execute(
        update(Notice)
        .where(Notice.id.in_(ids), Notice.claimed_by == sender_id)
        .values(claimed_until=utc_now() + lease())
    )
    db.session.commit()


def new_sender_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def fan_out_pending_events() -> int:
    """Turn every new event into notice rows, one event per transaction."""
    done = 0
    while fan_out_next_event():
        db.session.commit()
        done += 1
    db.session.commit()  # the last, empty claim still opened a (locking) transaction
    return done


NEIGHBOUR_SECONDS_PER_ROUND = 2.0


def run_once(
    batch_size: int = 200,
    sender_id: str | None = None,
    check_digests: bool = True,
    forget_expired: bool = False,
) -> int:
    """Fan out new events, queue due digests, and send everything due now. Returns sent count."""
    sender_id = sender_id or new_sender_id()
    record_heartbeat(sender_id)
    began = time.monotonic()
    if letters := fan_out_pending_events():
        log.info("fanned out %d letters in %.2f s", letters, time.monotonic() - began)
    if check_digests:
        queue_due_digests(utc_now())
        db.session.commit()
    if forget_expired:
        forget_expired_delivery_details(utc_now())
        db.session.commit()
        refresh_planner_statistics()
    started, began = utc_now(), time.monotonic()
    sent = 0
    with Transport() as transport:
        while not transport.gave_up and (
            ids := claim_due_notices(batch_size, sender_id, due_by=started)
        ):
            sent += send_batch(ids, transport, sender_id)
    if sent:
        log.info("sent %d notices in %.2f s", sent, time.monotonic() - began)
    # After the notices, and for a while only: under load on PostgreSQL a new letter's ten
    # neighbours took ten seconds to rank, and with letters coming faster than that the
    # sender worked out "more letters" round after round while no notice went out.
    refresh_queued_neighbours(NEIGHBOUR_SECONDS_PER_ROUND)
    work_through_webmentions()
    return sent


def run_forever(poll_seconds: float = 5.0, batch_size: int = 200) -> None:
    """The long-running sender; several may run at once."""
    sender_id = new_sender_id()
    log.info("sender %s started", sender_id)
    last_digest_check = last_retention_check = 0.0
    while True:
        # Digests are due on the hour: looking through every digest subscription once a
        # minute is enough, where notices are looked for every few seconds.
        check_digests = time.monotonic() - last_digest_check >= DIGEST_CHECK_SECONDS
        forget_expired = time.monotonic() - last_retention_check >= RETENTION_CHECK_SECONDS
        try:
            run_once(batch_size, sender_id, check_digests, forget_expired)
            if check_digests:
                last_digest_check = time.monotonic()
            if forget_expired:
                last_retention_check = time.monotonic()
        except Exception:  # noqa: BLE001 — keep running; the database may be back soon
            log.exception("sender round failed")
            db.session.rollback()
        db.session.remove()
        time.sleep(poll_seconds)
