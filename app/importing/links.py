"""The old blog's addresses of imported posts, and the letters they became.

A post links to another by its permalink ("https://blog.example.org/2014/09/17/hallo/"),
by its short link ("/?p=12") or with "http://" or "www." where the blog has neither; all
of them lead to the same post, and so to the same letter.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import parse_qs, unquote, urljoin, urlsplit


def address_key(url: str) -> str | None:
    """What two addresses of the same post have in common: host, path and ?p= (or None)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https", ""):
        return None
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = unquote(parts.path).rstrip("/").lower()
    post = (parse_qs(parts.query).get("p") or [""])[0]
    return f"{host}{path}?p={post}" if post.isdigit() else f"{host}{path}"


class LinkMap:
    """Old addresses of the export's posts, mapped to the addresses of their letters."""

    def __init__(self, blog_address: str, letters_address: str) -> None:
        self.blog_address = blog_address.rstrip("/")
        self.letters_address = letters_address.rstrip("/")
        self.slugs: dict[str, str] = {}

    def absolute(self, url: str) -> str:
        """An address of the old blog written relative to it ("/2014/09/hallo/"), made whole."""
        url = url.strip()
        if not url or not self.blog_address or urlsplit(url).scheme or url.startswith("#"):
            return url
        return urljoin(self.blog_address + "/", url)

    def add_post(self, wp_id: int, addresses: Iterable[str], slug: str) -> None:
        """The post's permalink, guid and short link all lead to the letter with this slug."""
        for address in (*addresses, f"{self.blog_address}/?p={wp_id}"):
            key = address_key(self.absolute(address))
            if key and (key.partition("?")[0] or "?p=" in key):
                self.slugs.setdefault(key, slug)

    def letter_address(self, url: str) -> str | None:
        """The address of the letter an old address leads to, or None."""
        key = address_key(url)
        if key is None or key == address_key(self.blog_address):
            return None
        slug = self.slugs.get(key)
        return f"{self.letters_address}/{slug}" if slug else None
