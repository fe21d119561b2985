"""The sender's share of webmentions: verify those received, send ours, a while each round."""

from __future__ import annotations

import time

from app.webmentions.receiving import check_next_mention
from app.webmentions.sending import send_next_webmention

SECONDS_PER_ROUND = 5.0


def work_through_webmentions(seconds: float = SECONDS_PER_ROUND) -> int:
    """Verify and send what is due, in turns; none begun once `seconds` have passed."""
    began, done = time.monotonic(), 0
    while time.monotonic() - began < seconds:
        worked = check_next_mention() + send_next_webmention()
        if not worked:
            break
        done += worked
    return done
