"""What the site keeps about a subscriber's address, to show, download and delete."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select

from app.deliverability import AddressStanding, Bounce
from app.extensions import db
from app.letters.models import Letter
from app.outbox import Notice
from app.page_version import pages_changed
from app.portability.archive import subscription_record
from app.signatures.models import Signature
from app.subscriptions.models import Subscription


def signature_records(email: str) -> list[dict[str, Any]]:
    """The signatures given from this address, with the letter's title and slug."""
    query = (
        select(Signature, Letter.slug, Letter.title)
        .join(Letter, Letter.id == Signature.letter_id)
        .where(func.lower(Signature.email) == email)
        .order_by(Signature.id)
    )
    return [
        {"letter": slug, "title": title, "name": s.name, "affiliation": s.affiliation,
         "named": s.named, "created_at": s.created_at, "confirmed_at": s.confirmed_at}
        for s, slug, title in db.session.execute(query)
    ]  # fmt: skip


def notice_records(email: str) -> list[dict[str, Any]]:
    """Every notice to this address still kept: kind, state and dates, not the mail itself."""
    query = select(Notice).where(func.lower(Notice.recipient) == email).order_by(Notice.id)
    return [
        {"kind": str(n.kind), "state": str(n.state), "created_at": n.created_at,
         "sent_at": n.sent_at, "attempts": n.attempts}
        for n in db.session.scalars(query)
    ]  # fmt: skip


def bounce_records(email: str) -> list[dict[str, Any]]:
    """Bounces reported for this address."""
    query = select(Bounce).where(Bounce.address == email).order_by(Bounce.id)
    return [
        {"hard": b.hard, "status": b.status, "diagnostic": b.diagnostic, "created_at": b.created_at}
        for b in db.session.scalars(query)
    ]


def standing_record(email: str) -> dict[str, Any] | None:
    """Whether notices to this address are suspended, and why."""
    standing = db.session.get(AddressStanding, email)
    if standing is None:
        return None
    fields = ("suspended_at", "reason", "lifted_at")
    return {name: getattr(standing, name) for name in fields}


def kept_about(email: str) -> dict[str, Any]:
    """Everything kept about one address, as plain data."""
    email = email.lower()
    subscriptions = db.session.scalars(
        select(Subscription).where(Subscription.email == email).order_by(Subscription.id)
    )
    return {
        "email": email,
        "subscriptions": [subscription_record(s) for s in subscriptions],
        "signatures": signature_records(email),
        "notices": notice_records(email),
        "bounces": bounce_records(email),
        "standing": standing_record(email),
    }


def forget_address(email: str) -> None:
    """Delete everything kept about this address: subscriptions, signatures, notices, bounces."""
    email = email.lower()
    shown = select(Signature.id).where(
        func.lower(Signature.email) == email,
        Signature.confirmed_at.is_not(None),
        Signature.removed_at.is_(None),
    )
    if db.session.scalars(shown.limit(1)).first() is not None:
        pages_changed()  # letter pages list the signers
    db.session.execute(delete(Bounce).where(Bounce.address == email))
    db.session.execute(delete(Notice).where(func.lower(Notice.recipient) == email))
    db.session.execute(delete(Signature).where(func.lower(Signature.email) == email))
    db.session.execute(delete(Subscription).where(Subscription.email == email))
    db.session.execute(delete(AddressStanding).where(AddressStanding.address == email))
    db.session.flush()
