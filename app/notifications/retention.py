"""Forgetting what the site knows of its mail once it is no longer needed.

A sent (or failed, or dropped) notice holds the recipient's address, the message id and any
error; a bounce holds the address. The sender deletes them DELIVERY_RETENTION_DAYS after
they were made, a batch at a time, and tells the features above (replies by email) to forget
theirs too. Notices still on their way are never touched; a bounce is kept at least as long
as soft bounces count towards a suspension. Subscriptions and signatures never confirmed
go once their confirmation link has expired: no one can confirm them any more.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from blinker import Namespace
from flask import current_app
from sqlalchemy import delete, select

from app.deliverability import SOFT_BOUNCE_WINDOW, Bounce
from app.extensions import db
from app.outbox import DeliveryState, Notice
from app.signatures.models import Signature
from app.signatures.service import SIGNATURE_CONFIRM_MAX_AGE
from app.subscriptions.models import Subscription
from app.subscriptions.service import SUBSCRIPTION_CONFIRM_MAX_AGE

BATCH = 1000
FINISHED = (DeliveryState.SENT, DeliveryState.FAILED, DeliveryState.DROPPED)

retention_signals = Namespace()
# Sent with the moment before which details are to go (keyword `before`); a receiver
# deletes its own rows and returns how many.
delivery_details_expired = retention_signals.signal("delivery-details-expired")


def retention_cutoff(now: datetime) -> datetime:
    """The moment before which details of mail are deleted."""
    return now - timedelta(days=current_app.config["DELIVERY_RETENTION_DAYS"])


def forget_expired_delivery_details(now: datetime) -> int:
    """Delete finished notices and bounces past the retention time; how many rows went."""
    before = retention_cutoff(now)
    gone = forget_finished_notices(before)
    gone += forget_bounces(min(before, now - SOFT_BOUNCE_WINDOW))
    gone += forget_unconfirmed(now)
    for _receiver, count in delivery_details_expired.send("sender", before=before):
        gone += int(count or 0)
    return gone


def forget_finished_notices(before: datetime) -> int:
    """Finished notices made before the moment, in batches so no transaction grows large."""
    gone = 0
    while True:
        batch = (
            select(Notice.id)
            .where(Notice.state.in_(FINISHED), Notice.created_at < before)
            .limit(BATCH)
        )
        ids = list(db.session.scalars(batch))
        if not ids:
            return gone
        db.session.execute(delete(Notice).where(Notice.id.in_(ids)))
        db.session.commit()
        gone += len(ids)


def forget_bounces(before: datetime) -> int:
    """Bounces received before the moment."""
    result = db.session.execute(delete(Bounce).where(Bounce.created_at < before))
    return int(result.rowcount or 0)


def forget_unconfirmed(now: datetime) -> int:
    """Subscriptions and signatures asked for but never confirmed, past their link's life."""
    gone = 0
    for model, max_age in ((Subscription, SUBSCRIPTION_CONFIRM_MAX_AGE),
                           (Signature, SIGNATURE_CONFIRM_MAX_AGE)):  # fmt: skip
        expired = now - timedelta(seconds=max_age)
        result = db.session.execute(
            delete(model).where(model.confirmed_at.is_(None), model.created_at < expired)
        )
        gone += int(result.rowcount or 0)
    return gone
