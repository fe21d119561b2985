"""Between rounds of mail, the sender works out "more letters" again where new ones call for it."""

from __future__ import annotations

import time

from app.database import read_only_transactions
from app.discovery.suggestions import plan_next_neighbours, store_neighbours
from app.extensions import db


def refresh_queued_neighbours(seconds: float | None = None) -> int:
    """Work out "more letters" again under the letters that new ones resemble.

    Each letter in two transactions: one that only reads and ranks (on SQLite it takes no
    write lock), then a short one that stores the result. With `seconds`, no new letter is
    begun once they have passed: the rest waits for the next round.
    """
    done = 0
    began = time.monotonic()
    while seconds is None or time.monotonic() - began < seconds:
        with read_only_transactions():
            plan = plan_next_neighbours()
            db.session.commit()
        if plan is None:
            return done
        done += store_neighbours(plan)
        db.session.commit()
    return done
