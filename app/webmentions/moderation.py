"""Admins decide about sites: the first answer from a new site waits for approval.

Approving an answer approves its site: what else it sent shows too, and what it sends later
shows at once. Rejecting hides one answer. Blocking a site hides everything it sent and
drops what it sends later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app.database import upsert_insert, utc_now
from app.extensions import db
from app.letters.models import Letter
from app.page_version import pages_changed
from app.webmentions.models import (
    MentionKind,
    MentionStatus,
    ReceivedWebmention,
    SiteStanding,
    WebmentionSite,
)


class MentionNotFound(LookupError):
    """No webmention with that id waits for a decision."""


@dataclass(frozen=True)
class WaitingMention:
    """A verified webmention from a site no admin has decided about yet."""

    id: int
    source: str
    domain: str
    kind: MentionKind
    author_name: str
    title: str
    received_at: datetime
    letter_slug: str
    letter_title: str


def waiting_for_approval(limit: int = 100) -> list[WaitingMention]:
    """The queue on /admin, oldest first (one query)."""
    decided = select(WebmentionSite.domain).where(
        WebmentionSite.domain == ReceivedWebmention.domain
    )
    rows = db.session.execute(
        select(ReceivedWebmention.id, ReceivedWebmention.source, ReceivedWebmention.domain,
               ReceivedWebmention.kind, ReceivedWebmention.author_name, ReceivedWebmention.title,
               ReceivedWebmention.queued_at, Letter.slug, Letter.title)
        .join(Letter, Letter.id == ReceivedWebmention.letter_id)
        .where(ReceivedWebmention.status == MentionStatus.WAITING, ~decided.exists())
        .order_by(ReceivedWebmention.id)
        .limit(limit)
    )  # fmt: skip
    return [WaitingMention(*row) for row in rows]


def mention(mention_id: int) -> ReceivedWebmention:
    found = db.session.get(ReceivedWebmention, mention_id)
    if found is None or found.status == MentionStatus.CHECKING:
        raise MentionNotFound(_l("This answer from another site is no longer there."))
    return found


def approve_site_of(mention_id: int) -> str:
    """Show the answer and everything its site sent; later ones show at once. Its domain."""
    found = mention(mention_id)
    decide(found.domain, SiteStanding.APPROVED)
    db.session.execute(
        update(ReceivedWebmention)
        .where(ReceivedWebmention.domain == found.domain)
        .where(ReceivedWebmention.status == MentionStatus.WAITING)
        .values(status=MentionStatus.SHOWN)
    )
    found.status = MentionStatus.SHOWN  # this one even if it was rejected before
    pages_changed()
    return found.domain


def reject(mention_id: int) -> str:
    """Hide one answer; its site stays undecided. Its domain."""
    found = mention(mention_id)
    if found.status == MentionStatus.SHOWN:
        pages_changed()
    found.status = MentionStatus.REJECTED
    return found.domain


def block_site_of(mention_id: int) -> str:
    """Hide everything the answer's site sent, and drop what it sends later. Its domain."""
    domain = mention(mention_id).domain
    decide(domain, SiteStanding.BLOCKED)
    pages_changed()
    return domain


def decide(domain: str, standing: SiteStanding) -> None:
    values = {"standing": standing, "decided_at": utc_now()}
    statement = upsert_insert(WebmentionSite).values(domain=domain, **values)
    db.session.execute(statement.on_conflict_do_update(index_elements=["domain"], set_=values))
