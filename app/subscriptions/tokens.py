"""Signed links in every email: manage all subscriptions of an address, or leave one list."""

from __future__ import annotations

from typing import Any

from app.accounts.notice_settings import PREFERENCE_OF
from app.accounts.tokens import make_token, read_token
from app.outbox import Notice, NoticeKind
from app.web import absolute_url

MANAGE = "manage-subscriptions"
UNSUBSCRIBE = "unsubscribe"
CONFIRM = "confirm-subscription"


def manage_token(email: str) -> str:
    return make_token(MANAGE, {"e": email.lower()})


def manage_url(email: str) -> str:
    """The page listing every subscription of this address, reachable without an account."""
    return absolute_url("subscriptions.manage", token=manage_token(email))


def unsubscribe_payload(notice: Notice) -> dict[str, Any]:
    """What one click on this notice's unsubscribe link stops."""
    if notice.kind == NoticeKind.SUBSCRIPTION and notice.subscription_id:
        return {"e": notice.recipient.lower(), "s": notice.subscription_id}
    if notice.kind == NoticeKind.DIGEST:
        return {"e": notice.recipient.lower(), "digest": True}
    if notice.kind == NoticeKind.SIGNED_ANSWER:
        # The answer's id: unsubscribing finds the signed letter it answers.
        return {"e": notice.recipient.lower(), "answer": notice.letter_id}
    return {"e": notice.recipient.lower(), "u": notice.user_id, "p": PREFERENCE_OF[notice.kind]}


def unsubscribe_token(notice: Notice) -> str:
    return make_token(UNSUBSCRIBE, unsubscribe_payload(notice))


def unsubscribe_url(notice: Notice) -> str:
    return absolute_url("subscriptions.unsubscribe", token=unsubscribe_token(notice))


def read_unsubscribe_token(token: str) -> dict[str, Any]:
    """Unsubscribe links do not expire: old emails must keep working."""
    return read_token(UNSUBSCRIBE, token, max_age=None)


def read_manage_token(token: str) -> str:
    return str(read_token(MANAGE, token, max_age=None)["e"])
