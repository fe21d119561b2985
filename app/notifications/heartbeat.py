"""When a sender last started a round, one row per machine: `flask doctor` and /metrics read it.

A sender that died or never started leaves notices waiting without a single error anywhere;
this row is how an operator finds out.
"""

from __future__ import annotations

import socket
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.database import UTCDateTime, upsert_insert, utc_now
from app.extensions import db


class SenderHeartbeat(db.Model):
    """The latest round of a sender on one machine."""

    __tablename__ = "sender_heartbeats"

    host: Mapped[str] = mapped_column(String(255), primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(64), default="")
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime())


def record_heartbeat(sender_id: str) -> None:
    """Note that a sender on this machine starts a round now; commits.

    One row per machine rather than per sender: a restarted sender (a new id) takes over
    its machine's row instead of leaving a dead one behind.
    """
    values = {"sender_id": sender_id[:64], "beat_at": utc_now()}
    statement = upsert_insert(SenderHeartbeat).values(host=socket.gethostname()[:255], **values)
    db.session.execute(statement.on_conflict_do_update(index_elements=["host"], set_=values))
    db.session.commit()
