"""One-click unsubscribe links: what a link ends, and ending it."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete

from app.accounts.notice_settings import NOTICE_LABELS, save_notice_settings_by_id
from app.extensions import db
from app.signatures.answers import answer_notices_label, stop_answer_notices
from app.subscriptions.models import Frequency, Subscription
from app.subscriptions.service import SubscriptionError, describe_target


def what_it_ends(payload: dict[str, Any]) -> str:
    """The emails an unsubscribe link stops, named for the person who follows it."""
    if "s" in payload:
        subscription = db.session.get(Subscription, payload["s"])
        if subscription is None or subscription.email != payload.get("e"):
            return str(_l("a subscription that was removed already"))
        try:
            return describe_target(subscription.target, subscription.target_id).label
        except SubscriptionError:
            return str(_l("something that is no longer available"))
    if payload.get("digest"):
        return str(_l("your daily and weekly digests"))
    if "answer" in payload:
        return answer_notices_label(int(payload["answer"]))
    return str(NOTICE_LABELS.get(str(payload.get("p", "")), _l("these emails")))


def unsubscribe(payload: dict[str, Any]) -> None:
    """What a one-click unsubscribe link names stops at once; doing it twice is harmless."""
    email = str(payload.get("e", ""))
    if "s" in payload:
        db.session.execute(
            delete(Subscription).where(Subscription.id == payload["s"], Subscription.email == email)
        )
    elif payload.get("digest"):
        db.session.execute(
            delete(Subscription).where(
                Subscription.email == email,
                Subscription.frequency.in_([Frequency.DAILY, Frequency.WEEKLY]),
            )
        )
    elif "answer" in payload:
        stop_answer_notices(email, int(payload["answer"]))
    elif "u" in payload and "p" in payload:
        save_notice_settings_by_id(int(payload["u"]), email, **{str(payload["p"]): False})
