"""Logs hold no email addresses: every log record has them masked as it is made.

Masking when a record is made, rather than in one handler, covers every logger and handler
of the process: the app's, the sender's, gunicorn's access log (a query string may carry an
address), SQLAlchemy errors that quote their parameters and tracebacks. The domain stays:
it tells an operator which mail provider is refusing, and names no person.
"""

from __future__ import annotations

import logging
import re
import traceback
from typing import Any

# Wide on purpose: anything shaped like local@domain, and its URL-encoded form (local%40domain)
# as a query string carries it.
ADDRESS = re.compile(
    r"[^\s<>()\[\]{}\"',;:@/\\=?&%]+(?:@|%40)"
    r"([A-Za-z0-9.\-\u00a0-\uffff]+\.[A-Za-z\u00a0-\uffff]{2,})"
)
MASK = r"…@\1"

_installed = False


def masked(text: str) -> str:
    """The text with the local part of every address replaced."""
    return ADDRESS.sub(MASK, text)


def _masking_factory(original: Any) -> Any:
    def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = original(*args, **kwargs)
        record.msg, record.args = masked(record.getMessage()), ()
        if record.exc_info and record.exc_info[0] is not None:
            lines = traceback.format_exception(*record.exc_info)
            record.exc_text = masked("".join(lines).rstrip("\n"))
        return record

    return make_record


def keep_addresses_out_of_logs() -> None:
    """Mask addresses in every log record of this process (once, however many apps)."""
    global _installed
    if not _installed:
        logging.setLogRecordFactory(_masking_factory(logging.getLogRecordFactory()))
        _installed = True
