"""What every request shares: absolute links, safe redirects, input guards, security headers."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

from flask import Flask, Response, abort, current_app, request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        # Players load only after the reader clicks "load video".
        "frame-src 'self' https://www.youtube-nocookie.com https://player.vimeo.com",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def absolute_url(endpoint: str, **values: Any) -> str:
    """A link for emails, built from SITE_URL and never from the request's Host header."""
    adapter = current_app.url_map.bind("site.invalid", script_name="/")
    return current_app.config["SITE_URL"] + adapter.build(endpoint, values)


def safe_next_path(target: str | None, default: str = "/") -> str:
    """A redirect target limited to paths of this site (no //host, \\\\host or schemes)."""
    if not target or any(ord(character) < 32 or character == "\\" for character in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def refuse_undecodable_input() -> None:
    """Invalid UTF-8 and NUL bytes get a clear 400 instead of reaching the database."""
    raw_query = request.query_string.decode("latin-1")
    _check_encoded_pairs(raw_query)
    if request.mimetype == "application/x-www-form-urlencoded":
        _check_encoded_pairs(request.get_data(cache=True).decode("latin-1"))
    elif request.mimetype == "multipart/form-data":
        for value in request.form.values():
            if "\x00" in value or "\ufffd" in value:
                abort(400, description="The form contained bytes that are not valid text.")


def _check_encoded_pairs(encoded: str) -> None:
    try:
        pairs = parse_qsl(encoded, keep_blank_values=True, encoding="utf-8", errors="strict")
    except (UnicodeDecodeError, ValueError):
        abort(400, description="The request contained bytes that are not valid UTF-8 text.")
    for key, value in pairs:
        if "\x00" in key or "\x00" in value:
            abort(400, description="The request contained a NUL character, which is not text.")


def add_security_headers(response: Response) -> Response:
    """Strict headers on every response, unless a view set its own policy."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def init_web(app: Flask) -> None:
    """Register the input guard and the security headers."""
    app.before_request(refuse_undecodable_input)
    app.after_request(add_security_headers)
