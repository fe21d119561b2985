"""Which handler takes mail for an address: the part of the local part before the "+".

reply+<token>@REPLY_DOMAIN goes to the replies, bounce+<token>@REPLY_DOMAIN (the return path
of a notice) to the bounces; another kind is one more entry in ROUTES.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app

from app.inbound import bounces, replies
from app.inbound.answers import UNKNOWN, Answer
from app.inbound.message import IncomingMail


@dataclass(frozen=True)
class AddressHandler:
    # At RCPT: None to take mail for the address, else the refusal (no database needed).
    check: Callable[[str], Answer | None]
    # At DATA: the answer for one message to this address; its work stays in the session.
    deliver: Callable[[str, IncomingMail], Answer]


ROUTES: dict[str, AddressHandler] = {
    "reply": AddressHandler(replies.check_token, replies.take_reply),
    "bounce": AddressHandler(bounces.check_token, bounces.take_bounce),
}


@dataclass(frozen=True)
class Route:
    handler: AddressHandler
    detail: str  # what follows the "+": the token


def route(address: str) -> Route | Answer:
    """The handler for an address of REPLY_DOMAIN, or UNKNOWN."""
    local, _, domain = address.strip().strip("<>").rpartition("@")
    reply_domain = current_app.config.get("REPLY_DOMAIN", "")
    if not reply_domain or domain.lower().rstrip(".") != reply_domain:
        return UNKNOWN
    prefix, plus, detail = local.partition("+")
    handler = ROUTES.get(prefix.lower())
    if handler is None or not plus or not detail:
        return UNKNOWN
    return Route(handler, detail)


def check_recipient(address: str) -> Answer | None:
    """None when mail for this address is taken; else the refusal to give at RCPT."""
    found = route(address)
    if isinstance(found, Answer):
        return found
    return found.handler.check(found.detail)
