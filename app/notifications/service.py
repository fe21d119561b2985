"""Events to outbox rows: who is told about a published letter, decided once, in the sender."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from sqlalchemy import insert, or_, select

from app.accounts.models import NoticeSettings, User
from app.accounts.notice_settings import PREFERENCE_OF
from app.database import utc_now
from app.extensions import db
from app.letters.models import Letter, LetterStatus
from app.links.models import LetterTag
from app.notifications.models import LetterEvent
from app.outbox import NOTICE_PRIORITY, Notice, NoticeKind
from app.subscriptions.models import Frequency, Subscription, Target

# Notice rows written per statement, and subscriptions read per query, during a fan-out.
FAN_OUT_CHUNK = 5_000
# The first matching rule names the email; one person gets one email per event.
RULE_ORDER = (
    NoticeKind.LETTER_TO_YOU,
    NoticeKind.REPLY_TO_YOU,
    NoticeKind.THREAD_REPLY,
    NoticeKind.SUBSCRIPTION,
)


@dataclass(frozen=True)
class Recipient:
    email: str
    kind: NoticeKind
    locale: str
    user_id: int | None = None
    subscription_id: int | None = None


def record_letter_published(letter: Letter) -> None:
    """Write the event row in the publishing transaction; the sender fans it out.

    The author's name is kept as it is now: notices say who published, whatever the author
    is called by the time the sender renders them.
    """
    author = db.session.get(User, letter.author_id)
    name = author.display_name if author else None
    db.session.add(LetterEvent(letter_id=letter.id, author_name=name))


def claim_unfanned_events(limit: int = 20) -> list[LetterEvent]:
    """Events nobody has fanned out yet, locked so that a second sender skips them."""
    query = (
        select(LetterEvent)
        .where(LetterEvent.fanned_out_at.is_(None))
        .order_by(LetterEvent.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(db.session.scalars(query))


def fan_out_next_event() -> bool:
    """Turn the next new event into notice rows and mark it done; False when none is left.

    The caller commits after each event: on SQLite the write lock is held meanwhile, and a
    colleague saving a letter waits for it.
    """
    events = claim_unfanned_events(limit=1)
    for event in events:
        letter = db.session.get(Letter, event.letter_id)
        if letter is not None and letter.status == LetterStatus.PUBLISHED:
            write_notices(event, recipients_for(letter))
        event.fanned_out_at = utc_now()
    return bool(events)


def write_notices(event: LetterEvent, recipients: Iterable[Recipient]) -> None:
    """Bulk inserts of a bounded number of rows each, however many people are told."""
    now = utc_now()
    remaining = iter(recipients)
    while chunk := list(islice(remaining, FAN_OUT_CHUNK)):
        rows = [
            {
                "event_id": event.id,
                "recipient": recipient.email,
                "kind": recipient.kind,
                "locale": recipient.locale,
                "letter_id": event.letter_id,
                "user_id": recipient.user_id,
                "subscription_id": recipient.subscription_id,
                "priority": NOTICE_PRIORITY,
                "next_attempt_at": now,
                "created_at": now,
            }
            for recipient in chunk
        ]
        db.session.execute(insert(Notice), rows)


def recipients_for(letter: Letter) -> Iterator[Recipient]:
    """Everyone to tell about this letter, each once, never its author.

    Colleagues come first, each under the first rule that names them; subscribers follow as
    they are read, so that 100,000 of them never sit in memory at once.
    """
    author = db.session.get(User, letter.author_id)
    seen = {author.email.lower()} if author else set()
    chosen: dict[str, Recipient] = {}
    for recipient in colleague_recipients(letter):
        email = recipient.email.lower()
        if email in seen:
            continue
        current = chosen.get(email)
        if current is None or RULE_ORDER.index(recipient.kind) < RULE_ORDER.index(current.kind):
            chosen[email] = recipient
    yield from chosen.values()
    seen.update(chosen)
    for recipient in subscriber_recipients(letter):
        email = recipient.email.lower()
        if email not in seen:
            seen.add(email)
            yield recipient


def colleague_recipients(letter: Letter) -> list[Recipient]:
    """The addressee, the author of the answered letter and everyone who wrote in the thread."""
    wanted: list[tuple[int, NoticeKind]] = []
    if letter.addressee_id:
        wanted.append((letter.addressee_id, NoticeKind.LETTER_TO_YOU))
    if letter.in_reply_to_id:
        parent_author = db.session.scalar(
            select(Letter.author_id).where(Letter.id == letter.in_reply_to_id)
        )
        if parent_author is not None:
            wanted.append((parent_author, NoticeKind.REPLY_TO_YOU))
        writers = db.session.scalars(
            select(Letter.author_id)
            .where(
                Letter.thread_root_id == letter.thread_root_id,
                Letter.status == LetterStatus.PUBLISHED,
            )
            .distinct()
        )
        wanted.extend((writer, NoticeKind.THREAD_REPLY) for writer in writers)
    user_ids = {user_id for user_id, _ in wanted} - {letter.author_id}
    if not user_ids:
        return []
    rows = db.session.execute(
        select(User, NoticeSettings)
        .outerjoin(NoticeSettings, NoticeSettings.user_id == User.id)
        .where(User.id.in_(user_ids))
    ).all()
    people = {user.id: (user, settings) for user, settings in rows}
    recipients = []
    for user_id, kind in wanted:
        if user_id not in people:
            continue
        user, settings = people[user_id]
        if settings is not None and not getattr(settings, PREFERENCE_OF[kind]):
            continue
        recipients.append(Recipient(user.email, kind, user.locale, user_id=user.id))
    return recipients


def subscriber_recipients(letter: Letter) -> Iterator[Recipient]:
    """Confirmed instant subscribers of the site, the author, the thread or a tag, page by page."""
    query = (
        select(Subscription.id, Subscription.email, Subscription.locale)
        .where(
            Subscription.confirmed_at.is_not(None),
            Subscription.frequency == Frequency.INSTANT,
            or_(*subscription_targets_of(letter)),
        )
        .order_by(Subscription.id)
        .limit(FAN_OUT_CHUNK)
    )
    after = 0
    while True:
        rows = db.session.execute(query.where(Subscription.id > after)).all()
        for subscription_id, email, locale in rows:
            yield Recipient(email, NoticeKind.SUBSCRIPTION, locale, subscription_id=subscription_id)
        if len(rows) < FAN_OUT_CHUNK:
            return
        after = rows[-1][0]


def subscription_targets_of(letter: Letter) -> list:
    """Conditions that match the subscriptions a letter concerns."""
    return [
        Subscription.target == Target.SITE,
        (Subscription.target == Target.AUTHOR) & (Subscription.target_id == letter.author_id),
        (Subscription.target == Target.THREAD) & (Subscription.target_id == letter.thread_root_id),
        (Subscription.target == Target.TAG)
        & Subscription.target_id.in_(
            select(LetterTag.tag_id).where(LetterTag.letter_id == letter.id)
        ),
    ]
