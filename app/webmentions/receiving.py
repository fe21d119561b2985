"""Webmentions other sites send us: checked at once for form, verified later by the sender.

`POST /webmention` only checks what it can without leaving the site (the target is one of
our published letters, the source an http(s) address of another page) and queues the pair;
the sender then reads the source (app.webmentions.fetching), makes sure it links to the
letter, and keeps what its microformats say. A source that answers 410 or 404, or no longer
links to the letter, takes its mention away; one that changed replaces it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.database import upsert_insert, utc_now
from app.extensions import db
from app.letters.models import Letter, LetterStatus
from app.letters.related import site_path
from app.page_version import pages_changed
from app.webmentions.fetching import FetchFailed, fetch_page
from app.webmentions.models import (
    MentionStatus,
    ReceivedWebmention,
    SiteStanding,
    WebmentionSite,
    url_key,
)
from app.webmentions.queue import carry_out, claim_next, claimed_row, done, retry_later
from app.webmentions.reading import Mention, document_of, links_to, mention_in, normalised

log = logging.getLogger(__name__)

LETTER_PAGE = re.compile(r"^/letters/([a-z0-9-]{1,120})/?(?:[?#].*)?$")
MAX_URL = 2000


class WebmentionRefused(ValueError):
    """A webmention that cannot be taken, with a message for its sender."""


def accept_webmention(source: str, target: str) -> None:
    """Queue a webmention for verification, or refuse it (WebmentionRefused)."""
    source, target = source.strip(), target.strip()
    require_web_address(source, _l("The source must be an http(s) address."))
    require_web_address(target, _l("The target must be an http(s) address."))
    if normalised(source) == normalised(target):
        raise WebmentionRefused(_l("The source and the target must be different pages."))
    letter_id = published_letter_at(target)
    if letter_id is None:
        raise WebmentionRefused(_l("The target is not a published letter of this site."))
    domain = host_of(source)
    if standing_of(domain) == SiteStanding.BLOCKED:
        return  # dropped; the sender learns nothing it could work around
    queue_check(source, target, letter_id, domain)


def require_web_address(url: str, message: object) -> None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 — a port that is not a number raises here
    except ValueError:
        raise WebmentionRefused(message) from None
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > MAX_URL:
        raise WebmentionRefused(message)


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()[:255]


def published_letter_at(target: str) -> int | None:
    """The id of the published letter whose page the address is, if it is one of ours."""
    path = site_path(target)
    match = LETTER_PAGE.match(path) if path else None
    if match is None:
        return None
    published = Letter.status == LetterStatus.PUBLISHED
    return db.session.scalar(select(Letter.id).where(Letter.slug == match.group(1), published))


def standing_of(domain: str) -> SiteStanding | None:
    return db.session.scalar(select(WebmentionSite.standing).where(WebmentionSite.domain == domain))


def queue_check(source: str, target: str, letter_id: int, domain: str) -> None:
    """A row for the pair, due now; a pair known already is checked again (it may have changed)."""
    now = utc_now()
    fresh = {"due_at": now, "queued_at": now, "attempts": 0, "claim": None,
             "claimed_until": None, "last_error": ""}  # fmt: skip
    statement = upsert_insert(ReceivedWebmention).values(
        pair_key=url_key(source, target), source=source, target=target,
        letter_id=letter_id, domain=domain, status=MentionStatus.CHECKING, **fresh,
    )  # fmt: skip
    db.session.execute(statement.on_conflict_do_update(index_elements=["pair_key"], set_=fresh))


@dataclass(frozen=True)
class CheckJob:
    id: int
    claim: str
    source: str
    target: str


def check_next_mention() -> bool:
    """Verify the webmention due longest; False when none is due."""
    job = claim_next(ReceivedWebmention, lambda row: CheckJob(row.id, row.claim or "",
                                                              row.source, row.target))  # fmt: skip
    if job is None:
        return False
    carry_out(job, verified_mention, record_mention, record_failure)
    return True


def verified_mention(job: CheckJob) -> Mention | None:
    """What the source says, or None when it is gone or no longer links to the letter."""
    page = fetch_page(job.source)
    document = document_of(page) if page.status == 200 else None
    if document is None or not links_to(document, page.url, job.target):
        return None
    return mention_in(document, page.url, job.source, job.target)


def record_mention(job: CheckJob, mention: Mention | None) -> None:
    """Keep what the source says now, or take the mention away."""
    row = claimed_row(ReceivedWebmention, job.id, job.claim)
    if row is None:
        return
    standing = standing_of(row.domain)
    if mention is None or standing == SiteStanding.BLOCKED:
        log.info("webmention from %s to %s removed", row.source, row.target)
        remove(row)
        return
    for name, value in vars(mention).items():
        setattr(row, name, value)
    if row.status == MentionStatus.CHECKING:
        approved = standing == SiteStanding.APPROVED
        row.status = MentionStatus.SHOWN if approved else MentionStatus.WAITING
    row.verified_at = utc_now()
    done(row)
    if row.status == MentionStatus.SHOWN:
        pages_changed()


def record_failure(job: CheckJob, error: FetchFailed) -> None:
    """Try again later; a source refused, or never read in two days, is dropped."""
    row = claimed_row(ReceivedWebmention, job.id, job.claim)
    if row is None:
        return
    log.info("webmention from %s to %s: %s", row.source, row.target, error)
    if error.temporary and retry_later(row, str(error)):
        return
    if error.temporary and row.status != MentionStatus.CHECKING:
        return  # read before: what it said stays until it can be read again
    remove(row)


def remove(row: ReceivedWebmention) -> None:
    if row.status == MentionStatus.SHOWN:
        pages_changed()
    db.session.delete(row)
