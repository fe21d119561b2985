"""WordPress's shortcodes and block comments in a post, made into plain HTML.

Videos and other embeds ([embed], [youtube …], [vimeo …], [video …], [audio …]) become
links to what they showed; a [caption] keeps its picture and caption; a gallery or playlist
shows nothing without WordPress and is dropped. A shortcode of some plugin ([contact-form-7
id="1"]) is dropped too, keeping what it encloses. Text in brackets that is no shortcode
("[sic]") stays as it is.
"""

from __future__ import annotations

import re
from collections import Counter
from html import escape

# The comments Gutenberg marks its blocks with: <!-- wp:paragraph -->, <!-- /wp:image -->.
BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:.*?-->", re.DOTALL)
ENCLOSING = re.compile(
    r"\[(caption|wp_caption|embed)\b([^\]]*)\](.*?)\[/\1\]", re.DOTALL | re.IGNORECASE
)
LINKING = re.compile(r"\[(youtube|vimeo|video|audio)\b([^\]]*)\]", re.IGNORECASE)
DROPPED = re.compile(r"\[(gallery|playlist)\b[^\]]*\]", re.IGNORECASE)
CLOSING_TAG = re.compile(r"\[/(video|audio)\]", re.IGNORECASE)
# Any other shortcode with attributes, e.g. [contact-form-7 id="12" title="Kontakt"].
OTHER = re.compile(
    r"\[([a-z][a-z0-9_-]{1,40})(\s+[a-z0-9_-]+=(?:\"[^\"\]]*\"|'[^'\]]*'|[^\s\]]+))+\s*/?\]",
    re.IGNORECASE,
)
URL = re.compile(r"https?://[^\s\]\"'<>]+")
CAPTION_ATTRIBUTE = re.compile(r"caption=\"([^\"]*)\"")


class ShortcodeTally:
    """Which shortcodes a post had, and what became of them."""

    def __init__(self) -> None:
        self.linked: Counter[str] = Counter()
        self.dropped: Counter[str] = Counter()


def without_shortcodes(html: str, tally: ShortcodeTally) -> str:
    """The post's HTML with block comments gone and shortcodes made into links or dropped."""
    html = BLOCK_COMMENT.sub("", html)
    if "[" not in html:
        return html
    html = ENCLOSING.sub(lambda match: enclosing(match, tally), html)
    html = LINKING.sub(lambda match: linking(match, tally), html)
    html = CLOSING_TAG.sub("", html)
    html = DROPPED.sub(lambda match: dropped(match.group(1), tally), html)
    for name in {match.group(1) for match in OTHER.finditer(html)}:
        tally.dropped[name.lower()] += 1
        closing = re.compile(rf"\[/{re.escape(name)}\]", re.IGNORECASE)
        html = closing.sub("", html)
    return OTHER.sub("", html)


def link(url: str) -> str:
    """A link to an address, on a line of its own (a bare video link becomes a player)."""
    return f'\n\n<a href="{escape(url)}">{escape(url)}</a>\n\n'


def enclosing(match: re.Match[str], tally: ShortcodeTally) -> str:
    name, attributes, inner = match.group(1).lower(), match.group(2), match.group(3)
    if name == "embed":
        url = URL.search(inner)
        tally.linked[name] += 1
        return link(url.group(0)) if url else ""
    caption = CAPTION_ATTRIBUTE.search(attributes)
    return inner + (f" {caption.group(1)}" if caption else "")


def linking(match: re.Match[str], tally: ShortcodeTally) -> str:
    name, attributes = match.group(1).lower(), match.group(2)
    url = URL.search(attributes)
    address = url.group(0) if url else ""
    if not address and name == "vimeo" and attributes.strip(" =").isdigit():
        address = f"https://vimeo.com/{attributes.strip(' =')}"
    if not address:
        return dropped(name, tally)
    tally.linked[name] += 1
    return link(address)


def dropped(name: str, tally: ShortcodeTally) -> str:
    tally.dropped[name.lower()] += 1
    return ""
