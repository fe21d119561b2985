"""Markdown to safe HTML, excerpts, and click-to-load video embeds."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h2",
    "h3",
    "h4",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"

# Raw HTML in the source is shown as text (html=False); links are only made from explicit URLs.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_markdown.enable(["table", "strikethrough"])


def render_markdown(source: str) -> str:
    """Render untrusted Markdown to HTML that is safe to put on a page."""
    html = _markdown.render(source)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def plain_excerpt(source: str, limit: int = 280) -> str:
    """The first words of a Markdown text as plain text, cut at a word boundary."""
    text = nh3.clean(_markdown.render(source), tags=set())
    text = re.sub(r"\s+", " ", unescape(text)).strip()
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:.-–") + " …"


@dataclass(frozen=True)
class VideoEmbed:
    provider: str
    video_id: str
    url: str

    @property
    def provider_name(self) -> str:
        return {"youtube": "YouTube", "vimeo": "Vimeo"}[self.provider]

    @property
    def embed_url(self) -> str:
        """The player address, requested only after the reader clicks."""
        if self.provider == "youtube":
            return f"https://www.youtube-nocookie.com/embed/{self.video_id}?autoplay=1"
        return f"https://player.vimeo.com/video/{self.video_id}?autoplay=1&dnt=1"


_YOUTUBE = re.compile(
    r"https?://(?:www\.|m\.)?(?:youtube\.com/watch\?(?:[^\s)]*&)?v=|youtu\.be/|youtube\.com/embed/)"
    r"([A-Za-z0-9_-]{11})"
)
_VIMEO = re.compile(r"https?://(?:www\.)?vimeo\.com/(\d{1,12})\b")


def find_video_embeds(source: str) -> list[VideoEmbed]:
    """YouTube and Vimeo links in a text, in order, each once."""
    found: dict[tuple[str, str], VideoEmbed] = {}
    for provider, pattern in (("youtube", _YOUTUBE), ("vimeo", _VIMEO)):
        for match in pattern.finditer(source):
            key = (provider, match.group(1))
            found.setdefault(key, VideoEmbed(provider, match.group(1), match.group(0)))
    return sorted(found.values(), key=lambda embed: source.find(embed.url))
