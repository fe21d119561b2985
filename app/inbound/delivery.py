"""One message for one address, from `flask mail receive` or the LMTP listener.

Its work is committed before "taken" is said; whatever keeps it from being stored (the
database is down, locked, or something unforeseen) answers a temporary failure, so that the
mail server keeps the message and tries again: nothing is lost.
"""

from __future__ import annotations

import logging

from flask import current_app

from app.extensions import db
from app.inbound.answers import TEMPORARY, TOO_BIG, Answer
from app.inbound.message import IncomingMail
from app.inbound.routing import route

log = logging.getLogger(__name__)


def deliver(raw: bytes, recipient: str, envelope_sender: str | None = None) -> Answer:
    """Take, drop or refuse one message to one address; needs an app context."""
    if len(raw) > current_app.config["INBOUND_MAX_BYTES"]:
        return TOO_BIG
    found = route(recipient)
    if isinstance(found, Answer):
        return found
    try:
        mail = IncomingMail.parse(raw, envelope_sender)
        answer = found.handler.deliver(found.detail, mail)
        if answer.taken:
            db.session.commit()
        else:
            db.session.rollback()
        return answer
    except Exception:  # noqa: BLE001 — the MTA keeps the message and tries again
        log.exception("a message to %s could not be stored", recipient)
        forget_work()
        return TEMPORARY


def forget_work() -> None:
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 — the connection is gone: the session starts afresh
        db.session.registry.clear()
