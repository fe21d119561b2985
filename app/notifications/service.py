"""Events to outbox rows: who is told about a published letter, decided once, in the sender."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, insert, literal, or_, select

from app.accounts.models import NoticeSettings, User
from app.accounts.notice_settings import PREFERENCE_OF
from app.database import utc_now
from app.extensions import db
from app.letters.models import Letter, LetterStatus
from app.links.models import LetterTag
from app.notifications.models import LetterEvent
from app.outbox import NOTICE_PRIORITY, DeliveryState, Notice, NoticeKind
from app.signatures.answers import answer_watchers
from app.subscriptions.models import Frequency, Subscription, Target

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
    whole_letter: bool = True


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
            tell_everyone(event, letter)
        event.fanned_out_at = utc_now()
    return bool(events)


def tell_everyone(event: LetterEvent, letter: Letter) -> None:
    """Colleagues under the first rule that names them, then every subscriber not yet told."""
    colleagues = colleagues_to_tell(letter)
    write_notices(event, colleagues)
    author = db.session.get(User, letter.author_id)
    told = {recipient.email.lower() for recipient in colleagues}
    if author is not None:
        told.add(author.email.lower())
    signers = signers_to_tell(letter, told)
    write_notices(event, signers)
    told.update(recipient.email for recipient in signers)
    write_subscriber_notices(event, letter, told)


def signers_to_tell(letter: Letter, told: set[str]) -> list[Recipient]:
    """Signers of the answered letter who asked to be told of answers, and are not told yet."""
    if not letter.in_reply_to_id:
        return []
    return [
        Recipient(watcher.email, NoticeKind.SIGNED_ANSWER, watcher.locale, watcher.user_id)
        for watcher in answer_watchers(letter.in_reply_to_id)
        if watcher.email not in told
    ]


def write_notices(event: LetterEvent, recipients: list[Recipient]) -> None:
    """One bulk insert for the colleagues told of the event."""
    if not recipients:
        return
    now = utc_now()
    rows = [
        {
            "event_id": event.id,
            "recipient": recipient.email,
            "kind": recipient.kind,
            "locale": recipient.locale,
            "letter_id": event.letter_id,
            "user_id": recipient.user_id,
            "subscription_id": recipient.subscription_id,
            "whole_letter": recipient.whole_letter,
            "priority": NOTICE_PRIORITY,
            "next_attempt_at": now,
            "created_at": now,
        }
        for recipient in recipients
    ]
    db.session.execute(insert(Notice), rows)


def write_subscriber_notices(event: LetterEvent, letter: Letter, told: set[str]) -> None:
    """One INSERT … SELECT for every subscriber not told already: no row passes through Python.

    100,000 subscribers are told in about a second, in the memory of one statement. Addresses
    are kept in lower case, so the first subscription of each address stands for it.
    """
    first_of_each_address = (
        select(func.min(Subscription.id))
        .where(
            Subscription.confirmed_at.is_not(None),
            Subscription.frequency == Frequency.INSTANT,
            or_(*subscription_targets_of(letter)),
        )
        .group_by(Subscription.email)
    )
    now = utc_now()
    values = {
        "event_id": literal(event.id),
        "recipient": Subscription.email,
        "kind": literal(NoticeKind.SUBSCRIPTION, Notice.kind.type),
        "locale": Subscription.locale,
        "letter_id": literal(event.letter_id),
        "subscription_id": Subscription.id,
        "whole_letter": Subscription.whole_letter,
        "priority": literal(NOTICE_PRIORITY),
        "state": literal(DeliveryState.PENDING, Notice.state.type),
        "attempts": literal(0),
        "next_attempt_at": literal(now, Notice.next_attempt_at.type),
        "created_at": literal(now, Notice.created_at.type),
        "claimed_by": literal(""),
        "last_error": literal(""),
        "message_id": literal(""),
        "letter_ids": literal(""),
    }
    chosen = select(*values.values()).where(Subscription.id.in_(first_of_each_address))
    if told:
        chosen = chosen.where(Subscription.email.not_in(sorted(told)))
    db.session.execute(insert(Notice).from_select(list(values), chosen))


def colleagues_to_tell(letter: Letter) -> list[Recipient]:
    """The colleagues told of this letter, each once, never its author."""
    author = db.session.get(User, letter.author_id)
    excluded = {author.email.lower()} if author else set()
    chosen: dict[str, Recipient] = {}
    for recipient in colleague_recipients(letter):
        email = recipient.email.lower()
        if email in excluded:
            continue
        current = chosen.get(email)
        if current is None or RULE_ORDER.index(recipient.kind) < RULE_ORDER.index(current.kind):
            chosen[email] = recipient
    return list(chosen.values())


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
        .where(User.id.in_(user_ids), User.deleted_at.is_(None))
    ).all()
    people = {user.id: (user, settings) for user, settings in rows}
    recipients = []
    for user_id, kind in wanted:
        if user_id not in people:
            continue
        user, settings = people[user_id]
        if settings is not None and not getattr(settings, PREFERENCE_OF[kind]):
            continue
        whole_letter = settings is None or settings.whole_letter
        recipients.append(Recipient(user.email, kind, user.locale, user.id, None, whole_letter))
    return recipients


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
