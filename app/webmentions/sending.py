"""Telling the pages a letter links to that it does: Webmention's sending side.

Publishing or editing a letter queues a row per outside page it links to (its related
discussions and the links in its text); the sender later finds each page's Webmention
endpoint (the HTTP Link header first, then a `<link>` or `<a>` with rel="webmention", read
with mf2py, relative addresses resolved) and posts source=the letter, target=the page. A
letter taken back (withdrawn, hidden) tells again the pages it had told, which then find it
gone; a page the letter no longer links to is told again too, so it can drop the mention.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from html import unescape
from urllib.parse import urljoin, urlsplit

from flask import current_app
from requests.utils import parse_header_links
from sqlalchemy import select

from app.database import utc_now
from app.extensions import db
from app.letters.models import Letter, LetterStatus
from app.letters.related import site_path
from app.links.models import Link, LinkKind
from app.links.service import HREF
from app.web import absolute_url
from app.webmentions.fetching import FetchFailed, Refused, TryAgainLater, fetch_page, post_form
from app.webmentions.models import SendState, SentWebmention, url_key
from app.webmentions.queue import carry_out, claim_next, claimed_row, done, queue_now, retry_later
from app.webmentions.reading import document_of, microformats_of

log = logging.getLogger(__name__)

MAX_TARGETS = 30


def outside_targets(letter: Letter) -> list[str]:
    """The outside pages the letter links to: related discussions first, then its text's links."""
    related = db.session.scalars(
        select(Link.url)
        .where(Link.letter_id == letter.id, Link.kind == LinkKind.RELATED, Link.url != "")
        .order_by(Link.position)
    )
    in_text = (unescape(href) for href in HREF.findall(letter.body_html + letter.postscript_html))
    targets = [url for url in dict.fromkeys([*related, *in_text]) if is_outside(url)]
    return targets[:MAX_TARGETS]


def is_outside(url: str) -> bool:
    """An http(s) page of another site."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and site_path(url) is None


def queue_webmentions(letter: Letter) -> None:
    """Queue a notice to every page the letter links to now or was told of before."""
    if not current_app.config["WEBMENTION_SEND"]:
        return
    known = {row.target: row for row in db.session.scalars(
        select(SentWebmention).where(SentWebmention.letter_id == letter.id))}  # fmt: skip
    linked = outside_targets(letter) if letter.status == LetterStatus.PUBLISHED else []
    for target in linked:
        row = known.get(target)
        if row is None:
            row = SentWebmention(letter_id=letter.id, target=target, target_key=url_key(target))
            db.session.add(row)
        row.state = SendState.QUEUED
        queue_now(row)
    for target, row in known.items():
        if target not in linked and row.sent_at is not None:
            row.state = SendState.QUEUED
            queue_now(row)


@dataclass(frozen=True)
class SendJob:
    id: int
    claim: str
    target: str
    source: str  # the letter's permalink
    public: bool  # the letter is published
    told_before: bool


def send_job_of(row: SentWebmention) -> SendJob:
    letter = db.session.get(Letter, row.letter_id)
    public = letter is not None and letter.status == LetterStatus.PUBLISHED
    source = absolute_url("letters.show", slug=letter.slug) if letter else ""
    return SendJob(row.id, row.claim or "", row.target, source, public, row.sent_at is not None)


def send_next_webmention() -> bool:
    """Tell the page due longest about its letter; False when none is due."""
    job = claim_next(SentWebmention, send_job_of)
    if job is None:
        return False
    carry_out(job, send, record_outcome, record_failure)
    return True


def send(job: SendJob) -> tuple[SendState, str]:
    """Find the page's endpoint and post to it; the outcome and the endpoint."""
    if not (job.public or job.told_before):
        return SendState.SKIPPED, ""
    endpoint = discover_endpoint(job.target)
    if endpoint is None:
        return SendState.NO_ENDPOINT, ""
    status = post_form(endpoint, {"source": job.source, "target": job.target})
    if status >= 500 or status == 429:
        raise TryAgainLater(f"the endpoint {endpoint} answered {status}")
    if not 200 <= status < 300:
        raise Refused(f"the endpoint {endpoint} answered {status}")
    return SendState.SENT, endpoint


def discover_endpoint(url: str) -> str | None:
    """The page's Webmention endpoint, as the specification finds it, or None."""
    page = fetch_page(url)
    if page.status != 200:
        raise Refused(f"the page answered {page.status}")
    for link in parse_header_links(page.links) if page.links else []:
        if "webmention" in link.get("rel", "").lower().split():
            return urljoin(page.url, link.get("url", ""))
    document = document_of(page)
    if document is None:
        return None
    found = microformats_of(document, page.url).get("rels", {}).get("webmention", [])
    return found[0] if found else None


def record_outcome(job: SendJob, outcome: tuple[SendState, str]) -> None:
    state, endpoint = outcome
    row = claimed_row(SentWebmention, job.id, job.claim)
    if row is None:
        return
    row.state, row.endpoint = state, endpoint[:2000]
    if state == SendState.SENT:
        row.sent_at = utc_now()
    done(row)


def record_failure(job: SendJob, error: FetchFailed) -> None:
    """Try again after a growing delay; a refusal, or two days of failures, is final."""
    row = claimed_row(SentWebmention, job.id, job.claim)
    if row is None:
        return
    log.info("webmention to %s: %s", row.target, error)
    if error.temporary and retry_later(row, str(error)):
        return
    row.state = SendState.FAILED
    row.last_error = str(error)[:500]
    row.due_at, row.claim, row.claimed_until = None, None, None
