"""The addresses of a notice at REPLY_DOMAIN: its Reply-To and its return path.

Reply-To: reply+<token>@REPLY_DOMAIN, a signed name of the notice.

The token names the notice (so its recipient and its letter) and the letter again, and
expires after REPLY_TOKEN_DAYS. It is short on purpose: with "reply+" it stays within the
64 characters RFC 5321 allows a local part, and it does not repeat the recipient's address.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from app.accounts.tokens import InvalidToken, make_token, read_token

REPLY_PURPOSE = "reply-by-email"
REPLY_PREFIX = "reply"
BOUNCE_PURPOSE = "bounce"
BOUNCE_PREFIX = "bounce"
# Delivery reports come within days (a server gives up after five); later ones are refused.
BOUNCE_TOKEN_DAYS = 30


@dataclass(frozen=True)
class ReplyTarget:
    """What a reply address names: the notice it was sent with and the letter it told of."""

    notice_id: int
    letter_id: int


def replies_by_email() -> bool:
    return bool(current_app.config.get("REPLY_DOMAIN"))


def reply_token(notice_id: int, letter_id: int) -> str:
    return make_token(REPLY_PURPOSE, [notice_id, letter_id])


def reply_address(token: str) -> str:
    return f"{REPLY_PREFIX}+{token}@{current_app.config['REPLY_DOMAIN']}"


def read_reply_token(token: str) -> ReplyTarget:
    """The notice and letter a token names; InvalidToken (TokenExpired when too old)."""
    max_age = int(current_app.config["REPLY_TOKEN_DAYS"]) * 24 * 3600
    payload = read_token(REPLY_PURPOSE, token, max_age=max_age)
    if (
        not isinstance(payload, list)
        or len(payload) != 2
        or not all(type(part) is int for part in payload)
    ):
        raise InvalidToken("not a reply token")
    return ReplyTarget(notice_id=payload[0], letter_id=payload[1])


def return_path(notice_id: int) -> str:
    """The envelope sender of a notice (VERP): a report that it bounced names the notice.

    Without REPLY_DOMAIN, reports go to MAIL_DEFAULT_SENDER as before.
    """
    if not replies_by_email():
        return current_app.config["MAIL_DEFAULT_SENDER"]
    token = make_token(BOUNCE_PURPOSE, notice_id)
    return f"{BOUNCE_PREFIX}+{token}@{current_app.config['REPLY_DOMAIN']}"


def read_bounce_token(token: str) -> int:
    """The notice a return path names; InvalidToken when forged, tampered or too old."""
    notice_id = read_token(BOUNCE_PURPOSE, token, max_age=BOUNCE_TOKEN_DAYS * 24 * 3600)
    if type(notice_id) is not int:
        raise InvalidToken("not a bounce token")
    return notice_id
