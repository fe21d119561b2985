"""Optional DKIM signatures (dkimpy), covering the list headers that one-click relies on."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import dkim
from flask import current_app

# dkimpy's default set leaves out List-Unsubscribe-Post; RFC 8058 asks that both be signed.
SIGNED_HEADERS = [
    b"from", b"to", b"subject", b"date", b"message-id", b"in-reply-to", b"references",
    b"list-id", b"list-unsubscribe", b"list-unsubscribe-post", b"mime-version", b"content-type",
]  # fmt: skip


@cache
def read_key(path: str) -> bytes:
    return Path(path).read_bytes()


def sign_with_dkim(raw: bytes) -> bytes:
    """Prepend a DKIM-Signature when DKIM_PRIVATE_KEY, DKIM_SELECTOR and DKIM_DOMAIN are set."""
    config = current_app.config
    key_path, selector, domain = (
        config.get("DKIM_PRIVATE_KEY"),
        config.get("DKIM_SELECTOR"),
        config.get("DKIM_DOMAIN"),
    )
    if not (key_path and selector and domain):
        return raw
    signature = dkim.sign(
        raw,
        selector.encode(),
        domain.encode(),
        read_key(key_path),
        include_headers=SIGNED_HEADERS,
    )
    return signature + raw
