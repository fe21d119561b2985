"""The background work is claimed row by row: two senders never work on one row at once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.database import utc_now
from app.extensions import db
from app.webmentions.models import MentionKind, MentionStatus, ReceivedWebmention
from app.webmentions.queue import claim_next
from app.webmentions.reading import Mention
from app.webmentions.receiving import CheckJob, record_mention
from tests.support import deliver_outbox
from tests.webmentions.sources import entry_page, letter_address, post_webmention


def claim() -> object:
    return claim_next(ReceivedWebmention, lambda row: (row.id, row.claim))


def test_a_claimed_row_is_left_to_its_sender_until_the_lease_runs_out(client, make_user,
                                                                       make_letter):  # fmt: skip
    target = letter_address(make_letter(make_user()).slug)
    post_webmention(client, "https://elsewhere.example/a", target)

    first = claim()
    assert first is not None and claim() is None  # the second sender finds nothing to do

    mention = db.session.scalars(select(ReceivedWebmention)).one()
    mention.claimed_until = utc_now() - timedelta(seconds=1)  # the first sender died
    db.session.commit()
    second = claim()
    assert second is not None and second[1] != first[1]


def test_a_pair_posted_again_meanwhile_is_checked_again(client, make_user, make_letter,
                                                        elsewhere):  # fmt: skip
    target = letter_address(make_letter(make_user()).slug)
    source = elsewhere.put("/answer", entry_page(target))
    post_webmention(client, source, target)
    mention_id, token = claim()

    post_webmention(client, source, target)  # while the first check is under way
    outcome = Mention(MentionKind.REPLY, "Old", "", "Old title", "", None)
    record_mention(CheckJob(mention_id, token, source, target), outcome)
    db.session.commit()

    mention = db.session.get(ReceivedWebmention, mention_id)
    assert mention.status == MentionStatus.CHECKING and mention.due_at is not None
    deliver_outbox()
    assert db.session.get(ReceivedWebmention, mention_id).title == "On your letter"
