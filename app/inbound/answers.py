"""What the site answers a delivery: one LMTP reply line and the matching sysexits code."""

from __future__ import annotations

from typing import NamedTuple

# sysexits.h: what `flask mail receive` exits with, for Postfix's pipe and .forward.
EX_OK = 0
EX_DATAERR = 65
EX_NOUSER = 67
EX_TEMPFAIL = 75


class Answer(NamedTuple):
    reply: str  # the LMTP/SMTP reply line
    exit_code: int

    @property
    def taken(self) -> bool:
        return self.reply.startswith("2")


TAKEN = Answer("250 2.0.0 Reply taken", EX_OK)
DROPPED = Answer("250 2.0.0 Automatic reply dropped", EX_OK)
ALREADY_TAKEN = Answer("250 2.0.0 Reply taken already", EX_OK)
BOUNCE_TAKEN = Answer("250 2.0.0 Delivery report recorded", EX_OK)
BOUNCE_SEEN = Answer("250 2.0.0 Delivery report recorded already", EX_OK)
NOT_A_BOUNCE = Answer("250 2.0.0 Not a delivery report: dropped", EX_OK)
UNKNOWN = Answer("550 5.1.1 No such address", EX_NOUSER)
EXPIRED = Answer("550 5.1.1 This reply address has expired: answer on the site", EX_NOUSER)
WRONG_SENDER = Answer("550 5.7.1 Only the person the notice was sent to can reply to it", EX_NOUSER)
NOT_AUTHENTIC = Answer("550 5.7.1 DKIM and SPF both failed for the sender's domain", EX_NOUSER)
CLOSED = Answer("550 5.7.1 This letter can no longer be answered", EX_NOUSER)
TOO_MANY = Answer("550 5.7.1 Too many replies from this address today", EX_NOUSER)
MALFORMED = Answer("550 5.6.0 The message has no single From address", EX_DATAERR)
EMPTY = Answer("550 5.6.0 The reply holds no text above the quoted mail", EX_DATAERR)
TOO_BIG = Answer("552 5.3.4 Message too big", EX_DATAERR)
TEMPORARY = Answer("451 4.3.0 Cannot store the message now: try again later", EX_TEMPFAIL)
