"""Addresses that mail no longer reaches: bounces as they come back, and suspensions.

A hard bounce (a 5.x.x status) suspends its address at once; soft ones (4.x.x) suspend it
once three notices bounced within fourteen days. While an address is suspended the sender
sends it no notice; its subscriptions stay. Confirming the address again lifts it, and so
does an admin. Here in the core because the sender, the settings and manage pages and the
admin pages all ask, and the mail coming back is read higher up (app.inbound.bounces).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, mapped_column

from app.database import UTCDateTime, upsert_insert, utc_now
from app.extensions import db

SOFT_BOUNCES_TO_SUSPEND = 3
SOFT_BOUNCE_WINDOW = timedelta(days=14)


class Bounce(db.Model):
    """One report that a message to an address could not be delivered."""

    __tablename__ = "bounces"
    __table_args__ = (
        # The same report delivered twice (an MTA retrying) is counted once.
        UniqueConstraint("message_key", "address", name="uq_bounces_message_address"),
        Index("ix_bounces_address_created", "address", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(254))  # lower-case, as the site keeps them
    notice_id: Mapped[int | None] = mapped_column(
        ForeignKey("notifications.id", ondelete="SET NULL"), index=True
    )
    hard: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(16), default="")  # "5.1.1", "" when none given
    diagnostic: Mapped[str] = mapped_column(String(500), default="")
    message_key: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class AddressStanding(db.Model):
    """An address that bounced: suspended (suspended_at set) or lifted since."""

    __tablename__ = "address_standings"

    address: Mapped[str] = mapped_column(String(254), primary_key=True)
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    reason: Mapped[str] = mapped_column(String(500), default="")
    # Soft bounces before a lift are not counted again.
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


@dataclass(frozen=True)
class BounceReport:
    """What a delivery report says about the address a notice went to."""

    hard: bool
    status: str = ""
    diagnostic: str = ""

    def describe(self) -> str:
        return " ".join(part for part in (self.status, self.diagnostic) if part)[:500]


def record_bounce(
    address: str, notice_id: int | None, report: BounceReport, message_key: str
) -> bool:
    """Keep the bounce and suspend the address if it is the last straw. False if seen before.

    Works in the session; the caller commits.
    """
    address = address.lower()
    inserted = db.session.execute(
        upsert_insert(Bounce)
        .values(
            address=address,
            notice_id=notice_id,
            hard=report.hard,
            status=report.status[:16],
            diagnostic=report.diagnostic[:500],
            message_key=message_key[:255],
            created_at=utc_now(),
        )
        .on_conflict_do_nothing(index_elements=["message_key", "address"])
        # RETURNING tells whether a row went in: rowcount of an ORM insert is not reliable.
        .returning(Bounce.id)
    )
    if inserted.scalar_one_or_none() is None:
        return False
    if report.hard:
        suspend(address, report.describe())
    elif soft_bounces_counted(address) >= SOFT_BOUNCES_TO_SUSPEND:
        suspend(address, f"{SOFT_BOUNCES_TO_SUSPEND}× {report.describe()}".strip())
    return True


def soft_bounces_counted(address: str) -> int:
    """Notices that bounced softly within the window and since the last lift.

    Counted per notice: a server warning three times that one message is delayed has not
    failed three messages.
    """
    since = utc_now() - SOFT_BOUNCE_WINDOW
    lifted = db.session.scalar(
        select(AddressStanding.lifted_at).where(AddressStanding.address == address)
    )
    if lifted is not None and lifted > since:
        since = lifted
    notices = func.count(func.distinct(func.coalesce(Bounce.notice_id, -Bounce.id)))
    query = select(notices).where(
        Bounce.address == address, Bounce.hard.is_(False), Bounce.created_at > since
    )
    return db.session.scalar(query) or 0


def suspend(address: str, reason: str) -> None:
    """Suspend the address (a suspension already in place keeps its date and reason)."""
    now = utc_now()
    statement = upsert_insert(AddressStanding).values(
        address=address, suspended_at=now, reason=reason[:500]
    )
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["address"],
            set_={"suspended_at": now, "reason": reason[:500]},
            where=AddressStanding.suspended_at.is_(None),
        )
    )


def lift_suspension(address: str) -> bool:
    """Send to the address again; True if it was suspended. Works in the session."""
    standing = db.session.get(AddressStanding, address.lower())
    if standing is None or standing.suspended_at is None:
        return False
    standing.suspended_at = None
    standing.lifted_at = utc_now()
    return True


def suspension_of(address: str) -> AddressStanding | None:
    """The address's suspension, or None when mail may go there."""
    standing = db.session.get(AddressStanding, address.lower())
    return standing if standing is not None and standing.suspended_at is not None else None


def suspended_among(addresses: Iterable[str]) -> set[str]:
    """Which of these addresses are suspended (lower-case), in one query."""
    wanted = {address.lower() for address in addresses}
    if not wanted:
        return set()
    query = select(AddressStanding.address).where(
        AddressStanding.address.in_(wanted), AddressStanding.suspended_at.is_not(None)
    )
    return set(db.session.scalars(query))
