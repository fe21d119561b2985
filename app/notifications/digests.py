"""Daily and weekly digests: one email per address listing every letter since the last one."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app
from sqlalchemy import or_, select

from app.config import DEFAULT_TIMEZONE
from app.extensions import db
from app.letters.models import Letter, LetterStatus
from app.links.models import LetterTag
from app.outbox import DIGEST_PRIORITY, Notice, NoticeKind
from app.subscriptions.models import Frequency, Subscription, Target

DIGEST_FREQUENCIES = (Frequency.DAILY, Frequency.WEEKLY)
WEEKLY_DIGEST_WEEKDAY = 0  # Monday


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def latest_send_time(frequency: Frequency, timezone: str, now: datetime) -> datetime:
    """The most recent moment (not after now) at which this digest was due."""
    hour = int(current_app.config["DIGEST_HOUR"])
    local_now = now.astimezone(zone(timezone))
    slot = local_now.replace(hour=hour, minute=0, second=0, microsecond=0)
    if slot > local_now:
        slot -= timedelta(days=1)
    if frequency == Frequency.WEEKLY:
        slot -= timedelta(days=(slot.weekday() - WEEKLY_DIGEST_WEEKDAY) % 7)
    return slot


def is_due(subscription: Subscription, now: datetime) -> bool:
    """Due when a send time has passed since the last digest (or since confirmation)."""
    since = subscription.last_digest_at or subscription.confirmed_at
    if since is None:
        return False
    return since < latest_send_time(subscription.frequency, subscription.timezone, now)


def letters_for(subscriptions: list[Subscription], since: datetime) -> list[int]:
    """Ids of the published letters since `since` that any of these subscriptions follow."""
    conditions = []
    for subscription in subscriptions:
        if subscription.target == Target.SITE:
            conditions.append(Letter.id.is_not(None))
        elif subscription.target == Target.AUTHOR:
            conditions.append(Letter.author_id == subscription.target_id)
        elif subscription.target == Target.THREAD:
            conditions.append(Letter.thread_root_id == subscription.target_id)
        elif subscription.target == Target.TAG:
            tagged = select(LetterTag.letter_id).where(LetterTag.tag_id == subscription.target_id)
            conditions.append(Letter.id.in_(tagged))
    if not conditions:
        return []
    query = (
        select(Letter.id)
        .where(
            Letter.status == LetterStatus.PUBLISHED,
            Letter.published_at > since,
            or_(*conditions),
        )
        .order_by(Letter.published_at)
    )
    return list(db.session.scalars(query))


def queue_due_digests(now: datetime) -> int:
    """Write one digest row per address and frequency that is due."""
    due = [
        subscription
        for subscription in db.session.scalars(
            select(Subscription)
            .where(
                Subscription.frequency.in_(DIGEST_FREQUENCIES),
                Subscription.confirmed_at.is_not(None),
            )
            .with_for_update(skip_locked=True)
        )
        if is_due(subscription, now)
    ]
    groups: dict[tuple[str, Frequency], list[Subscription]] = defaultdict(list)
    for subscription in due:
        groups[(subscription.email, subscription.frequency)].append(subscription)
    queued = 0
    for (email, _frequency), subscriptions in groups.items():
        since = min(s.last_digest_at or s.confirmed_at or now for s in subscriptions)
        letter_ids = letters_for(subscriptions, since)
        if letter_ids:
            db.session.add(
                Notice(
                    recipient=email,
                    kind=NoticeKind.DIGEST,
                    locale=subscriptions[0].locale,
                    letter_ids=",".join(map(str, letter_ids)),
                    priority=DIGEST_PRIORITY,
                )
            )
            queued += 1
        for subscription in subscriptions:
            subscription.last_digest_at = now
    return queued
