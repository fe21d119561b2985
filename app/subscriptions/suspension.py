"""A subscriber whose address bounced: confirming it again lifts the suspension.

The manage page (reachable from the link in any earlier email) offers a link to the
address; following it proves that mail arrives there again.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.accounts.tokens import make_token, read_token
from app.deliverability import lift_suspension
from app.mail import compose_email, queue_email
from app.outbox import NoticeKind
from app.subscriptions.service import (
    CONFIRMATIONS_PER_ADDRESS_PER_DAY,
    SUBSCRIPTION_CONFIRM_MAX_AGE,
    confirmations_sent_today,
)
from app.web import absolute_url

ADDRESS_CHECK = "check-address"


def request_address_check(email: str, locale: str) -> bool:
    """Mail a link that lifts the suspension; False when today's confirmations are spent."""
    if confirmations_sent_today(email) >= CONFIRMATIONS_PER_ADDRESS_PER_DAY:
        return False
    token = make_token(ADDRESS_CHECK, {"e": email.lower()})
    message = compose_email(
        "address_check",
        email,
        subject=_l("Please confirm your email address"),
        locale=locale,
        confirm_url=absolute_url("subscriptions.confirm_address", token=token),
    )
    queue_email(message, locale, NoticeKind.SUBSCRIPTION_CONFIRM)
    return True


def address_to_confirm(token: str) -> str:
    """The address a check link is for; InvalidToken when forged or older than a week."""
    return str(read_token(ADDRESS_CHECK, token, SUBSCRIPTION_CONFIRM_MAX_AGE)["e"])


def confirm_address(token: str) -> str:
    """Follow the link: notices go to the address again. Returns the address."""
    email = address_to_confirm(token)
    lift_suspension(email)
    return email
