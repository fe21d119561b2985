"""What every request shares: absolute links, safe redirects, input guards, security headers."""

from __future__ import annotations

import re
from typing import Any, NoReturn
from urllib.parse import quote, unquote_to_bytes, urlsplit

from flask import Flask, Response, abort, current_app, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException
from werkzeug.formparser import MultiPartParser
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder, NeedData

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


def absolute_url(endpoint: str, _anchor: str | None = None, **values: Any) -> str:
    """A link for emails, built from SITE_URL and never from the request's Host header."""
    adapter = current_app.url_map.bind("site.invalid", script_name="/")
    url = current_app.config["SITE_URL"] + adapter.build(endpoint, values)
    return f"{url}#{quote(_anchor)}" if _anchor else url


# Unicode category Cc: C0 controls, DEL and C1 controls.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f]")
# Tab, line feed and carriage return are text; the other controls are not (NUL breaks PostgreSQL).
NON_TEXT_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def safe_next_path(target: str | None, default: str = "/") -> str:
    """A redirect target limited to paths of this site (no //host, \\\\host or schemes)."""
    if not target or CONTROL_CHARACTERS.search(target) or "\\" in target:
        # Browsers drop tabs and newlines inside URLs ("/\t/host" becomes "//host") and read
        # a backslash as a slash, so neither belongs in a path we send them to.
        return default
    try:
        parts = urlsplit(target)
    except ValueError:  # "https://[zz]/" cannot even be split; it is no path of ours either
        return default
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def refuse_undecodable_input() -> None:
    """Invalid UTF-8, NUL and other control bytes get a clear 400 instead of reaching the database.

    Werkzeug quietly turns invalid UTF-8 into U+FFFD, which would save a damaged letter,
    and PostgreSQL refuses NUL with an error that would otherwise surface as a 500.
    """
    _check_text(_raw_path())
    try:
        _check_encoded_pairs(request.query_string)
    except HTTPException:
        # The error page links back here (sign-in "next", the language form), and
        # this_page() repeats the query string: drop what we refused.
        request.query_string = b""
        raise
    if request.mimetype == "application/x-www-form-urlencoded":
        _check_encoded_pairs(request.get_data(cache=True))
    elif request.mimetype == "multipart/form-data":
        # Werkzeug turns invalid bytes of a text part into U+FFFD, which is also a valid
        # character, so only the bytes tell them apart: read them before the form parser does.
        _check_multipart_text(request.get_data(cache=True), request.mimetype_params)
        for key, value in request.form.items(multi=True):
            _check_text(key + value)


def _raw_path() -> str:
    """The path as the client sent it, decoded strictly (WSGI hands it over as latin-1)."""
    path = request.environ.get("PATH_INFO", "")
    try:
        return path.encode("latin-1").decode("utf-8")
    except UnicodeEncodeError:
        return path  # a server that decoded the path already
    except UnicodeDecodeError:
        _refuse_invalid_utf8()


def _check_encoded_pairs(encoded: bytes) -> None:
    """Decode every key and value of a URL-encoded string strictly, as the form parser would."""
    for pair in encoded.split(b"&"):
        for part in pair.split(b"=", 1):
            try:
                text = unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
            except UnicodeDecodeError:
                _refuse_invalid_utf8()
            _check_text(text)


def _check_multipart_text(body: bytes, options: dict[str, str]) -> None:
    """Decode every text part of a multipart body strictly, in the charset the part names."""
    boundary = options.get("boundary", "")
    if not boundary or not boundary.isascii():
        return  # not a form Werkzeug can read: it parses to nothing
    decoder = MultipartDecoder(boundary.encode("ascii"))
    decoder.receive_data(body)
    decoder.receive_data(None)
    charset_of = MultiPartParser().get_part_charset  # as the form parser reads each part
    part: Field | File | None = None
    chunks: list[bytes] = []
    try:
        while not isinstance(event := decoder.next_event(), (Epilogue, NeedData)):
            if isinstance(event, (Field, File)):
                part, chunks = event, []
            elif isinstance(event, Data) and isinstance(part, Field):
                chunks.append(event.data)
                if not event.more_data:
                    b"".join(chunks).decode(charset_of(part.headers))
    except UnicodeDecodeError:  # in a value, or in a part's headers (its field name)
        _refuse_invalid_utf8()
    except ValueError:
        return  # malformed: the form parser reads it as an empty form, as before


def _check_text(text: str) -> None:
    if NON_TEXT_CHARACTERS.search(text):
        abort(400, description=_("The request contained a control character such as NUL."))


def _refuse_invalid_utf8() -> NoReturn:
    abort(400, description=_("The request contained bytes that are not valid UTF-8 text."))


def add_security_headers(response: Response) -> Response:
    """Strict headers on every response, unless a view set its own policy."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, take the client's address from X-Forwarded-For.

    Otherwise every reader would share the proxy's address and its per-IP login limit. With
    none configured the header is ignored, so a client cannot pick its own address.
    """
    count = app.config["TRUSTED_PROXIES"]
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)


def init_web(app: Flask) -> None:
    """Register the input guard, the security headers and the proxies we trust."""
    # The guard goes first: the CSRF check and the rate limiter read the form before it
    # otherwise, and their error pages would meet the undecodable input.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_undecodable_input)
    app.after_request(add_security_headers)
    trust_proxies(app)
