"""What a fetched page says: whether it links to a letter, and its microformats2 (mf2py).

An answer is read as IndieWeb sites write it: the page's h-entry (the one whose u-url is the
page, else the first), its author's h-card, p-name, e-content, dt-published, and whether it
is `in-reply-to`, `like-of` or `repost-of` the letter, or only mentions it.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from app.text.html_text import cut_at_paragraph
from app.text.markdown import sanitized
from app.webmentions.fetching import Page
from app.webmentions.models import MentionKind

if TYPE_CHECKING:
    from bs4 import BeautifulSoup

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
DEFAULT_PORTS = {"http": 80, "https": 443}
# An answer is shown up to about this many bytes of HTML, with a link to the rest.
CONTENT_BUDGET = 6000
KINDS = (("in-reply-to", MentionKind.REPLY), ("like-of", MentionKind.LIKE),
         ("repost-of", MentionKind.REPOST))  # fmt: skip


def normalised(url: str) -> str:
    """An address as compared: scheme and host lower-case, no default port, no fragment."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url.strip()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    if port is not None and port != DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}:{port}"
    return urlunsplit((parts.scheme.lower(), host, parts.path or "/", parts.query, ""))


def document_of(page: Page) -> BeautifulSoup | None:
    """The page's HTML parsed (lxml, forgiving of any markup), or None if it is not HTML."""
    if page.mimetype not in HTML_TYPES or not page.body:
        return None
    # Beautiful Soup and mf2py take 14 MB: loaded by the sender once a page is to be read,
    # not by every web process.
    from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning

    # Bytes, so that a wrong or missing charset is guessed from the page; invalid bytes
    # become replacement characters. Any page is parsed as HTML, whatever it looks like.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        return BeautifulSoup(page.body, "lxml", from_encoding=page.charset)


def base_url(document: BeautifulSoup, page_url: str) -> str:
    """The address relative links are read against (`<base href>` if the page has one)."""
    base = document.find("base", href=True)
    return urljoin(page_url, str(base["href"])) if base else page_url


def links_to(document: BeautifulSoup, page_url: str, target: str) -> bool:
    """Whether the page has an `<a href>` to the target."""
    base, wanted = base_url(document, page_url), normalised(target)
    for anchor in document.find_all("a", href=True):
        try:
            if normalised(urljoin(base, str(anchor["href"]))) == wanted:
                return True
        except ValueError:  # an href that cannot be an address
            continue
    return False


@dataclass(frozen=True)
class Mention:
    """What the source says of itself."""

    kind: MentionKind
    author_name: str
    author_url: str
    title: str
    content_html: str
    published_at: datetime | None


def microformats_of(document: BeautifulSoup, page_url: str) -> dict[str, Any]:
    """The page's microformats2 (mf2py), relative addresses resolved against the page."""
    import mf2py  # beside Beautiful Soup (document_of)

    return mf2py.parse(doc=document, url=page_url)


def mention_in(document: BeautifulSoup, page_url: str, source: str, target: str) -> Mention:
    """The source's h-entry as a mention of the target; a bare mention without one."""
    try:
        parsed = microformats_of(document, page_url)
    except Exception:  # noqa: BLE001 — any markup mf2py trips over leaves a plain mention
        parsed = {"items": []}
    entry = chosen_entry(parsed.get("items", []), source)
    if entry is None:
        return Mention(MentionKind.MENTION, "", "", page_title(document), "", None)
    properties = entry.get("properties", {})
    author_name, author_url = author_of(properties)
    return Mention(
        kind=kind_of(properties, target),
        author_name=author_name[:200],
        author_url=web_address(author_url),
        title=(first_text(properties, "name") or page_title(document))[:300],
        content_html=content_of(properties, page_url),
        published_at=moment(first_text(properties, "published")),
    )


def entries(items: list[Any]) -> list[dict[str, Any]]:
    """Every h-entry, at the top or in an h-feed."""
    found = []
    for item in items:
        if not isinstance(item, dict):
            continue
        if "h-entry" in item.get("type", []):
            found.append(item)
        found.extend(entries(item.get("children", [])))
    return found


def chosen_entry(items: list[Any], source: str) -> dict[str, Any] | None:
    """The h-entry that is the page itself (its u-url), else the first."""
    found = entries(items)
    for entry in found:
        urls = entry.get("properties", {}).get("url", [])
        if any(isinstance(url, str) and normalised(url) == normalised(source) for url in urls):
            return entry
    return found[0] if found else None


def urls_of(values: list[Any]) -> list[str]:
    """The addresses a property names: plain values, or the u-url of an h-cite inside."""
    urls = []
    for value in values:
        if isinstance(value, str):
            urls.append(value)
        elif isinstance(value, dict):
            nested = value.get("properties", {}).get("url", [])
            urls.extend(url for url in nested if isinstance(url, str))
            if isinstance(value.get("value"), str):
                urls.append(value["value"])
    return urls


def kind_of(properties: dict[str, Any], target: str) -> MentionKind:
    wanted = normalised(target)
    for name, kind in KINDS:
        if any(normalised(url) == wanted for url in urls_of(properties.get(name, []))):
            return kind
    return MentionKind.MENTION


def first_text(properties: dict[str, Any], name: str) -> str:
    values = properties.get(name, [])
    value = values[0] if values else ""
    if isinstance(value, dict):
        value = value.get("value", "")
    return " ".join(value.split()) if isinstance(value, str) else ""


def author_of(properties: dict[str, Any]) -> tuple[str, str]:
    """The author's name and address, from an h-card or a plain value."""
    values = properties.get("author", [])
    author = values[0] if values else None
    if isinstance(author, dict):
        card = author.get("properties", {})
        urls = urls_of(card.get("url", []))
        name = first_text(card, "name") or " ".join(str(author.get("value", "")).split())
        return name, urls[0] if urls else ""
    if isinstance(author, str):
        return ("", author) if re.match(r"https?://", author) else (author, "")
    return "", ""


def web_address(url: str) -> str:
    """An http(s) address, or "" (a javascript: or data: author link is dropped)."""
    return url[:2000] if re.match(r"https?://", url, re.IGNORECASE) else ""


def content_of(properties: dict[str, Any], page_url: str) -> str:
    """The e-content sanitised as a letter is, cut at a paragraph when long."""
    values = properties.get("content", [])
    value = values[0] if values else ""
    if isinstance(value, dict):
        html = value.get("html") or escaped_paragraphs(str(value.get("value", "")))
    else:
        html = escaped_paragraphs(str(value))
    clean = sanitized(str(html), url_relative=("rewrite_with_base", page_url))
    return cut_at_paragraph(clean, CONTENT_BUDGET).html


def escaped_paragraphs(text: str) -> str:
    """Plain text as paragraphs, escaped."""
    return "".join(f"<p>{escape(part.strip())}</p>" for part in text.split("\n\n") if part.strip())


def page_title(document: BeautifulSoup) -> str:
    title = document.find("title")
    return " ".join(title.get_text().split())[:300] if title else ""


def moment(text: str) -> datetime | None:
    """A dt-published value as a moment (UTC when it names no zone), or None."""
    try:
        value = datetime.fromisoformat(text.replace(" ", "T", 1))
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except (ValueError, OverflowError):  # not a date, or one at the edge of the calendar
        return None
