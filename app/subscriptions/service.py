"""Subscribe with double opt-in, confirm, manage and unsubscribe — no account needed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from app.accounts.models import User
from app.accounts.tokens import InvalidToken, make_token, read_token
from app.config import DEFAULT_TIMEZONE
from app.database import utc_now
from app.deliverability import lift_suspension
from app.extensions import db
from app.letters.models import Letter, LetterStatus
from app.letters.queries import thread_size
from app.links.service import public_tag
from app.mail import compose_email, queue_email, queued_in_the_last_day
from app.outbox import NoticeKind
from app.subscriptions.models import Frequency, Subscription, Target
from app.subscriptions.tokens import CONFIRM
from app.web import absolute_url

CONFIRMATIONS_PER_ADDRESS_PER_DAY = 3
# How long the link confirming a subscription works.
SUBSCRIPTION_CONFIRM_MAX_AGE = 7 * 24 * 3600


class SubscriptionError(Exception):
    """The subscription request names something that cannot be followed."""


@dataclass
class TargetInfo:
    target: Target
    target_id: int
    label: str
    url: str

    @property
    def url_path(self) -> str:
        """The page of what is followed, as a path of this site (for going back to it)."""
        return urlsplit(self.url).path or "/"


def describe_target(target: Target, target_id: int) -> TargetInfo:
    """What a subscription follows, named for people; SubscriptionError if readers cannot see it.

    The answer is the same for what does not exist and for what is not public (a tag of
    drafts only, a draft's correspondence), so that ids cannot be walked to learn of either.
    """
    describe = TARGET_DESCRIPTIONS.get(target)
    if describe is None:
        raise SubscriptionError("this kind of subscription is not available")
    return describe(target_id)


def site_info(target_id: int) -> TargetInfo:
    """Every new letter of the site."""
    return TargetInfo(Target.SITE, 0, str(_l("all new letters")), absolute_url("discovery.index"))


def author_info(target_id: int) -> TargetInfo:
    """A colleague's new letters: every colleague has a page, letters or not."""
    user = db.session.get(User, target_id)
    if user is None:
        raise SubscriptionError("no such author")
    label = _l("new letters by %(name)s", name=user.display_name)
    return TargetInfo(
        Target.AUTHOR, target_id, str(label), absolute_url("discovery.profile", handle=user.handle)
    )


def thread_info(target_id: int) -> TargetInfo:
    """A correspondence is public while one of its letters is; its title while its first is."""
    root = db.session.get(Letter, target_id)
    if root is None or not root.opens_a_correspondence or thread_size(root.id) == 0:
        raise SubscriptionError("no such correspondence")
    if root.status == LetterStatus.PUBLISHED:
        label = _l("new letters in “%(title)s”", title=root.title)
    else:
        label = _l("new letters in a correspondence")
    return TargetInfo(
        Target.THREAD, target_id, str(label), absolute_url("letters.thread", slug=root.slug)
    )


def tag_info(target_id: int) -> TargetInfo:
    """New letters with a tag, while a published letter carries it."""
    tag = public_tag(target_id)
    if tag is None:
        raise SubscriptionError("no such tag")
    label = _l("new letters tagged “%(tag)s”", tag=tag.name)
    return TargetInfo(
        Target.TAG, target_id, str(label), absolute_url("discovery.tag", slug=tag.slug)
    )


TARGET_DESCRIPTIONS: dict[Target, Callable[[int], TargetInfo]] = {
    Target.SITE: site_info,
    Target.AUTHOR: author_info,
    Target.THREAD: thread_info,
    Target.TAG: tag_info,
}


def confirmations_sent_today(email: str) -> int:
    return queued_in_the_last_day(email, NoticeKind.SUBSCRIPTION_CONFIRM)


def request_subscription(
    email: str,
    target: Target,
    target_id: int,
    frequency: Frequency,
    locale: str,
    timezone: str = DEFAULT_TIMEZONE,
) -> TargetInfo:
    """Record a pending subscription and queue its confirmation email; says what it follows.

    The caller shows the same answer whatever happens here, so that the form reveals
    nothing about an address and cannot flood someone else's inbox.
    """
    email = email.strip().lower()
    info = describe_target(target, target_id)
    subscription = db.session.scalars(
        select(Subscription).where(
            Subscription.email == email,
            Subscription.target == target,
            Subscription.target_id == info.target_id,
        )
    ).first()
    if subscription is not None and subscription.is_confirmed:
        return info
    if subscription is None:
        subscription = Subscription(email=email, target=target, target_id=info.target_id)
        subscription.whole_letter = address_wants_whole_letters(email)
        db.session.add(subscription)
    subscription.frequency = frequency
    subscription.locale = locale
    subscription.timezone = timezone
    db.session.flush()
    if confirmations_sent_today(email) < CONFIRMATIONS_PER_ADDRESS_PER_DAY:
        queue_confirmation(subscription, info)
    return info


def address_wants_whole_letters(email: str) -> bool:
    """What the address chose for its other subscriptions (one choice per address)."""
    chosen = db.session.scalar(
        select(Subscription.whole_letter).where(Subscription.email == email).limit(1)
    )
    return chosen is not False


FREQUENCY_LABELS = {
    Frequency.INSTANT: _l("as soon as they are published"),
    Frequency.DAILY: _l("once a day"),
    Frequency.WEEKLY: _l("once a week"),
}


def queue_confirmation(subscription: Subscription, info: TargetInfo) -> None:
    token = make_token(CONFIRM, {"s": subscription.id, "e": subscription.email})
    message = compose_email(
        "subscription_confirm",
        subscription.email,
        subject=_l("Please confirm your subscription to %(what)s"),
        subject_values={"what": info.label},
        locale=subscription.locale,
        what=info.label,
        frequency=FREQUENCY_LABELS[subscription.frequency],
        confirm_url=absolute_url("subscriptions.confirm", token=token),
    )
    queue_email(message, subscription.locale, NoticeKind.SUBSCRIPTION_CONFIRM)


def subscription_for_confirmation(token: str) -> Subscription:
    payload = read_token(CONFIRM, token, SUBSCRIPTION_CONFIRM_MAX_AGE)
    subscription = db.session.get(Subscription, payload.get("s"))
    if subscription is None or subscription.email != payload.get("e"):
        raise InvalidToken("subscription removed")
    return subscription


def confirm_subscription(token: str) -> Subscription:
    """Follow the confirmation link: from now on notices are sent."""
    subscription = subscription_for_confirmation(token)
    if subscription.confirmed_at is None:
        subscription.confirmed_at = utc_now()
    # The link reached the inbox: mail to the address works again.
    lift_suspension(subscription.email)
    return subscription


def subscriptions_of(email: str) -> list[tuple[Subscription, TargetInfo]]:
    """Every subscription of an address, with what it follows."""
    rows = db.session.scalars(
        select(Subscription).where(Subscription.email == email).order_by(Subscription.id)
    )
    listed = []
    for subscription in rows:
        try:
            info = describe_target(subscription.target, subscription.target_id)
        except SubscriptionError:
            # Gone, or no longer public: listed without a name, so that it can be removed.
            label = str(_l("something that is no longer available"))
            info = TargetInfo(
                subscription.target, subscription.target_id, label, absolute_url("discovery.index")
            )
        listed.append((subscription, info))
    return listed


def change_frequency(email: str, subscription_id: int, frequency: Frequency) -> None:
    """Switch between instant, daily and weekly."""
    subscription = own_subscription(email, subscription_id)
    if subscription.frequency != frequency:
        subscription.frequency = frequency
        subscription.last_digest_at = utc_now()  # a digest starts from now, not from the past


def change_reader_settings(
    email: str, locale: str, timezone: str, whole_letter: bool | None = None
) -> None:
    """Every subscription of the address: emails in this language, digests by this clock,
    notices with the whole letter or an excerpt (None: as they are)."""
    values: dict[str, object] = {"locale": locale, "timezone": timezone}
    if whole_letter is not None:
        values["whole_letter"] = whole_letter
    db.session.execute(update(Subscription).where(Subscription.email == email).values(values))


def remove_subscription(email: str, subscription_id: int) -> None:
    db.session.delete(own_subscription(email, subscription_id))


def remove_all_subscriptions(email: str) -> None:
    db.session.execute(delete(Subscription).where(Subscription.email == email))


def own_subscription(email: str, subscription_id: int) -> Subscription:
    subscription = db.session.get(Subscription, subscription_id)
    if subscription is None or subscription.email != email:
        raise SubscriptionError("no such subscription for this address")
    return subscription
