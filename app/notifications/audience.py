"""Who would be told of a letter, said to its writer before it is published."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _ln
from sqlalchemy import Select, func, select

from app.accounts.models import User
from app.accounts.notice_settings import notice_settings_of
from app.extensions import db
from app.letters.events import PlannedLetter, letter_audience_asked
from app.letters.models import Letter, LetterStatus
from app.links.models import Tag
from app.signatures.answers import answer_watchers
from app.subscriptions.models import Subscription, Target
from app.text.slugs import slugify


@letter_audience_asked.connect
def who_will_be_told(planned: PlannedLetter, **_: Any) -> dict[str, list[str]]:
    """Lines such as "Svenja, to whom it is written" and "3 people who follow Sven"."""
    lines = [addressee_line(planned), signers_line(planned), *follower_lines(planned)]
    return {"audience": [str(line) for line in lines if line]}


def addressee_line(planned: PlannedLetter) -> str | None:
    """The addressee, unless they chose not to be told of letters to them."""
    addressee = db.session.get(User, planned.addressee_id) if planned.addressee_id else None
    if addressee is None or addressee.id == planned.author_id:
        return None
    if not notice_settings_of(addressee).letters_to_me:
        return None
    return str(_l("%(name)s, to whom it is written", name=addressee.display_name))


def follower_lines(planned: PlannedLetter) -> list[str]:
    author = db.session.get(User, planned.author_id)
    name = author.display_name if author else ""
    counts = [
        (thread_followers(planned), "%(num)d person who follows this correspondence",
         "%(num)d people who follow this correspondence"),
        (subscribers(Target.AUTHOR, [planned.author_id]), "%(num)d person who follows %(name)s",
         "%(num)d people who follow %(name)s"),
        (subscribers(Target.TAG, tag_ids(planned.tags)), "%(num)d person who follows its tags",
         "%(num)d people who follow its tags"),
        (subscribers(Target.SITE, [0]), "%(num)d person who follows every new letter",
         "%(num)d people who follow every new letter"),
    ]  # fmt: skip
    return [str(_ln(one, many, count, name=name)) for count, one, many in counts if count]


def signers_line(planned: PlannedLetter) -> str | None:
    """Signers of the answered letter who asked to be told of its answers."""
    count = len(answer_watchers(planned.in_reply_to_id)) if planned.in_reply_to_id else 0
    if not count:
        return None
    return str(
        _ln(
            "%(num)d person who signed the letter it answers",
            "%(num)d people who signed the letter it answers",
            count,
        )
    )


def thread_followers(planned: PlannedLetter) -> int:
    """Colleagues who wrote in the correspondence, and its subscribers (each once)."""
    if planned.thread_root_id is None:
        return 0
    writers = (
        select(User.email)
        .join(Letter, Letter.author_id == User.id)
        .where(
            Letter.thread_root_id == planned.thread_root_id,
            Letter.status == LetterStatus.PUBLISHED,
            Letter.author_id != planned.author_id,
            User.deleted_at.is_(None),
        )
    )
    followers = confirmed(Target.THREAD, [planned.thread_root_id])
    both = writers.union(followers).subquery()
    return db.session.scalar(select(func.count()).select_from(both)) or 0


def confirmed(target: Target, target_ids: list[int]) -> Select[tuple[str]]:
    """The addresses of confirmed subscriptions to these targets."""
    return select(Subscription.email).where(
        Subscription.target == target,
        Subscription.target_id.in_(target_ids),
        Subscription.confirmed_at.is_not(None),
    )


def subscribers(target: Target, target_ids: list[int]) -> int:
    if not target_ids:
        return 0
    emails = confirmed(target, target_ids).distinct().subquery()
    return db.session.scalar(select(func.count()).select_from(emails)) or 0


def tag_ids(names: tuple[str, ...]) -> list[int]:
    slugs = [slugify(name, "tag") for name in names]
    if not slugs:
        return []
    return list(db.session.scalars(select(Tag.id).where(Tag.slug.in_(slugs))))
