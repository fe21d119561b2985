"""What the letter pages show of mail that came in: where a draft came from."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.inbound.models import InboundReply
from app.letters.events import letter_page_shown
from app.letters.models import Letter, LetterStatus


@letter_page_shown.connect
def draft_from_email(letter: Letter, **_: Any) -> dict[str, Any]:
    """On a draft made from an email: say so, and what of the email was left out."""
    if letter.status != LetterStatus.DRAFT:
        return {}  # published pages ask nothing more
    record = db.session.scalars(
        select(InboundReply).where(InboundReply.draft_id == letter.id)
    ).first()
    return {"draft_from_email": record} if record else {}
