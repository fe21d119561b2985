"""Reading other sites' pages and posting to them, safely.

Everything the sender asks of another site goes through here: a page is read with timeouts,
up to a size, through at most five redirects (none twice), and only from addresses on the
public internet: a name that resolves to a private, loopback, link-local, multicast or
reserved address is refused (WEBMENTION_ALLOW_PRIVATE lifts that, for tests and intranets).
The address is checked as each connection is made, so a name that changes its answer
between a check and the connection cannot lead inside. Nothing fetched is ever run.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests
from flask import current_app
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import HTTPError
from werkzeug.http import parse_options_header

MAX_REDIRECTS = 5
REDIRECTS = {301, 302, 303, 307, 308}
CHUNK = 64 * 1024
# However slowly a server trickles its page, reading it ends after this many timeouts.
TOTAL_TIMEOUTS = 3


class FetchFailed(Exception):
    """The page could not be had; `temporary` says whether trying again later may help."""

    temporary = False


class TryAgainLater(FetchFailed):
    """No answer, a timeout, or a server error (5xx, 429): worth another try later."""

    temporary = True


class Refused(FetchFailed):
    """An address we do not read from, too many redirects, a loop, or a page too big."""


def is_public(address: str) -> bool:
    """Whether an IP address is one on the public internet."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    inside = (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
              or ip.is_reserved or ip.is_unspecified)  # fmt: skip
    return ip.is_global and not inside


def check_host(host: str, port: int) -> None:
    """Refuse a host unless every address it resolves to is public."""
    for *_, address in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        if not is_public(address[0]):
            raise Refused(f"{host} is not on the public internet ({address[0]})")


class PublicHTTPConnection(HTTPConnection):
    """A connection that refuses addresses inside, before connecting and once connected."""

    def _new_conn(self) -> socket.socket:
        check_host(self.host, self.port)
        sock = super()._new_conn()
        peer = sock.getpeername()[0]
        if not is_public(peer):
            sock.close()
            raise Refused(f"{self.host} is not on the public internet ({peer})")
        return sock


class PublicHTTPSConnection(HTTPSConnection, PublicHTTPConnection):
    """The same for https."""


class PublicHTTPPool(HTTPConnectionPool):
    ConnectionCls = PublicHTTPConnection


class PublicHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = PublicHTTPSConnection


class PublicOnlyAdapter(HTTPAdapter):
    """requests' adapter with connections to public addresses only."""

    def init_poolmanager(self, *args: object, **kwargs: object) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": PublicHTTPPool, "https": PublicHTTPSPool}


def http_session() -> requests.Session:
    """A session that ignores the environment's proxies and, unless allowed, inside addresses."""
    session = requests.Session()
    session.trust_env = False  # a proxy from the environment would be reached instead
    session.headers["User-Agent"] = f"Briefwechsel (Webmention; {current_app.config['SITE_URL']})"
    if not current_app.config["WEBMENTION_ALLOW_PRIVATE"]:
        adapter = PublicOnlyAdapter(max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
    return session


def timeout() -> float:
    return float(current_app.config["WEBMENTION_TIMEOUT_SECONDS"])


@dataclass(frozen=True)
class Page:
    url: str  # where it was found, after redirects
    status: int
    mimetype: str
    charset: str | None
    links: str  # the Link header
    body: bytes


def fetch_page(url: str) -> Page:
    """GET a page, following redirects ourselves: each one checked, none read."""
    seen = {url}
    with http_session() as session:
        for _ in range(MAX_REDIRECTS + 1):
            require_web_address(url)
            response = request(session, "GET", url, stream=True)
            with response:
                if response.status_code not in REDIRECTS:
                    return page_of(response, url)
                url = urljoin(url, response.headers.get("Location", ""))
            if url in seen:
                raise Refused("the redirects go round in a loop")
            seen.add(url)
    raise Refused(f"more than {MAX_REDIRECTS} redirects")


def post_form(url: str, fields: dict[str, str]) -> int:
    """POST a form (no redirects followed); the answer's status."""
    require_web_address(url)
    with http_session() as session:
        response = request(session, "POST", url, data=fields, stream=True)
        with response:
            return response.status_code


def request(
    session: requests.Session, method: str, url: str, **options: object
) -> requests.Response:
    """One request, its failures sorted into worth trying again or not."""
    try:
        return session.request(
            method, url, timeout=(timeout(), timeout()), allow_redirects=False, **options
        )
    except (requests.ConnectionError, requests.Timeout) as error:
        raise TryAgainLater(f"{type(error).__name__}: {error}"[:300]) from None
    except (requests.RequestException, ValueError) as error:  # a malformed address or answer
        raise Refused(f"{type(error).__name__}: {error}"[:300]) from None


def require_web_address(url: str) -> None:
    try:
        parts = urlsplit(url)
    except ValueError:
        raise Refused(f"not a web address: {url[:200]}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(f"not an http(s) address: {url[:200]}")


def page_of(response: requests.Response, url: str) -> Page:
    """The answer as a Page, its body read up to the size limit."""
    if response.status_code >= 500 or response.status_code in (408, 429):
        raise TryAgainLater(f"the server answered {response.status_code}")
    mimetype, options = parse_options_header(response.headers.get("Content-Type", ""))
    body = read_limited(response) if response.status_code == 200 else b""
    return Page(url, response.status_code, mimetype, options.get("charset"),
                response.headers.get("Link", ""), body)  # fmt: skip


def read_limited(response: requests.Response) -> bytes:
    """The body, decompressed, refused past WEBMENTION_MAX_BYTES or after a slow trickle."""
    limit = current_app.config["WEBMENTION_MAX_BYTES"]
    if declared_length(response) > limit:
        raise Refused(f"the page is larger than {limit} bytes")
    deadline = time.monotonic() + TOTAL_TIMEOUTS * timeout()
    chunks, size = [], 0
    try:
        # read1 returns what has arrived, where read would wait for a whole chunk.
        while chunk := response.raw.read1(CHUNK, decode_content=True):
            size += len(chunk)
            if size > limit:
                raise Refused(f"the page is larger than {limit} bytes")
            if time.monotonic() > deadline:
                raise TryAgainLater("the page came too slowly")
            chunks.append(chunk)
    except (OSError, HTTPError, requests.RequestException) as error:
        raise TryAgainLater(f"reading the page failed: {error}"[:300]) from None
    return b"".join(chunks)


def declared_length(response: requests.Response) -> int:
    """The Content-Length the server announced (0 when it announced none, or nonsense)."""
    value = response.headers.get("Content-Length", "").strip()
    return int(value) if value.isdigit() else 0
