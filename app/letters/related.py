"""What a writer lists as tags and related discussions, and which addresses are letters here."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request
from flask_babel import lazy_gettext as _l

from app.text.slugs import slugify

MAX_TAGS = 5
MAX_RELATED = 20
LETTER_PATH = re.compile(r"^/(?:letters|threads)/([a-z0-9-]{1,120})/?(?:[?#].*)?$")


class LinkError(ValueError):
    """A line of "related discussions" that is neither a letter here nor an http(s) URL."""


@dataclass
class OutsideLink:
    url: str
    label: str


@dataclass
class RelatedInput:
    """What the author listed, parsed: slugs of letters here and outside links."""

    slugs: list[str] = field(default_factory=list)
    outside: list[OutsideLink] = field(default_factory=list)


def parse_tags(text: str) -> list[str]:
    """Comma-separated tag names, trimmed, without repeats; the first one is the category."""
    names: list[str] = []
    for raw in text.split(","):
        name = " ".join(raw.split())[:50]
        if name and slugify(name, "") and slugify(name) not in {slugify(n) for n in names}:
            names.append(name)
    return names[:MAX_TAGS]


def site_path(url: str) -> str | None:
    """The path of a link to this site (relative, or absolute under one of its addresses)."""
    if url.startswith("/") and not url.startswith("//"):
        return url
    for site in site_addresses():
        if url == site or url.startswith(site + "/"):
            return url[len(site) :] or "/"
    return None


def site_addresses() -> list[str]:
    """SITE_URL, and the address the writer's browser uses (copied from its address bar)."""
    addresses = [current_app.config["SITE_URL"]]
    if has_request_context():
        addresses.append(request.host_url.rstrip("/"))
    return addresses


def letter_slug_in(url: str) -> str | None:
    path = site_path(url.strip())
    match = LETTER_PATH.match(path) if path else None
    return match.group(1) if match else None


def parse_related(text: str) -> RelatedInput:
    """One per line: a letter's or thread's address here, or "https://… optional label"."""
    related = RelatedInput()
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        url, _, label = line.partition(" ")
        slug = letter_slug_in(url)
        if slug:
            related.slugs.append(slug)
            continue
        try:
            parts = urlsplit(url)
        except ValueError:  # "https://[zz]/", or a host NFKC would change ("℀" is "a/c")
            raise LinkError(
                _l("Line %(number)d: this is not a web address that can be read.", number=number)
            ) from None
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise LinkError(
                _l("Line %(number)d: use a letter’s address here or an http(s):// link.",
                   number=number)
            )  # fmt: skip
        related.outside.append(OutsideLink(url[:2000], (label.strip() or parts.netloc)[:200]))
    if len(related.slugs) + len(related.outside) > MAX_RELATED:
        raise LinkError(_l("At most %(count)d related discussions.", count=MAX_RELATED))
    return related
