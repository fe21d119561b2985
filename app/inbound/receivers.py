"""What the letter pages show of mail that came in, and forgetting it in time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from app.extensions import db
from app.inbound.models import InboundReply
from app.letters.events import letter_page_viewed
from app.letters.models import LetterStatus
from app.letters.shown import PageLetter
from app.notifications.retention import delivery_details_expired


@letter_page_viewed.connect
def draft_from_email(letter: PageLetter, **_: Any) -> dict[str, Any]:
    """On a draft made from an email: say so, and what of the email was left out."""
    if letter.status != LetterStatus.DRAFT:
        return {}  # published pages ask nothing more
    record = db.session.scalars(
        select(InboundReply).where(InboundReply.draft_id == letter.id)
    ).first()
    return {"draft_from_email": record} if record else {}


@delivery_details_expired.connect
def forget_old_replies(_app: object, before: datetime, **_: Any) -> int:
    """The sender addresses and message ids of replies taken before the moment."""
    result = db.session.execute(delete(InboundReply).where(InboundReply.created_at < before))
    return int(result.rowcount or 0)
