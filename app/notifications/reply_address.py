"""The Reply-To of a notice: reply+<token>@REPLY_DOMAIN, a signed name of the notice.

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
