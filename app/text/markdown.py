"""Markdown to safe HTML, excerpts, and click-to-load video embeds."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from html import escape, unescape
from typing import Any, NamedTuple
from urllib.parse import parse_qs, urlsplit

import nh3
from flask_babel.speaklater import LazyString
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

from app.text.markdown_limits import MarkupTooComplex, limit_work

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

# Raw HTML in the source is shown as text (html=False); a bare https:// address becomes a
# link (linkify), as writers expect and as "mentioned in" needs for pasted permalinks.


def letter_parser() -> MarkdownIt:
    """The parser of letters, with the work it may do bounded."""
    parser = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    parser.enable(["table", "strikethrough", "linkify"])
    parser.linkify.set({"fuzzy_link": False, "fuzzy_email": False})
    parser.linkify.add("ftp:", None).add("//", None)
    limit_work(parser)
    return parser


_markdown = letter_parser()
# markdown-it-py is linear, but spends 10-20 µs on every "[" looking for the end of a link
# label: 100 KB of "[[]" took a second. A letter has a few dozen links, so a text with
# thousands of brackets is an attack on the parser and is shown with its brackets as text.
MAX_LINK_BRACKETS = 2_000
_markdown_without_links = MarkdownIt(
    "commonmark", {"html": False, "linkify": False, "typographer": False}
)
_markdown_without_links.enable(["table", "strikethrough"]).disable(["link", "image"])
limit_work(_markdown_without_links)
# An excerpt needs only the beginning of a letter; rendering all of it would double the cost.
EXCERPT_SOURCE_LIMIT = 4000
# "[label]: url" lines, which reference links at the beginning may need from further down.
_REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[(?:[^\]\\\n]|\\.){1,999}\]:[^\n]*", re.MULTILINE)


def parser_for(source: str, usual: MarkdownIt = _markdown) -> MarkdownIt:
    """The parser for a text: without links where brackets are far too many."""
    return _markdown_without_links if source.count("[") > MAX_LINK_BRACKETS else usual


def markdown_to_html(source: str) -> str:
    """Markdown to (not yet sanitised) HTML; plain paragraphs for a text past the budgets."""
    try:
        return parser_for(source).render(source)
    except MarkupTooComplex:
        return plain_paragraphs(source)


def image_as_link(renderer: RendererHTML, tokens: list[Token], index: int, options: OptionsDict,
                  env: dict) -> str:  # fmt: skip
    """An image as a link to it, named by its description ("Image: a cat")."""
    image = tokens[index]
    source = str(image.attrGet("src") or "")
    description = renderer.renderInlineAsText(image.children or [], options, env) or source
    label = env.get("image_label", "") + description
    return f'<a href="{escape(source)}">{escape(label)}</a>'


_markdown_images_as_links = letter_parser()
_markdown_images_as_links.add_render_rule("image", image_as_link)


def render_markdown_images_as_links(source: str, image_label: str = "") -> str:
    """render_markdown with every image a link to it: for email, which loads no images.

    The page drops images (the sanitiser allows no <img>); a mail names and links them.
    """
    try:
        parser = parser_for(source, _markdown_images_as_links)
        html = parser.render(source, {"image_label": image_label})
    except MarkupTooComplex:
        html = plain_paragraphs(source)
    return sanitized(html)


def plain_paragraphs(source: str) -> str:
    """The text as escaped paragraphs, without any Markdown."""
    paragraphs = (part.strip() for part in re.split(r"\n[ \t]*\n", source))
    return "".join(f"<p>{escape(part)}</p>\n" for part in paragraphs if part)


class Rendering(NamedTuple):
    html: str  # safe to put on a page
    problem: LazyString | None  # why the Markdown was too costly to use


@lru_cache(maxsize=4)
def rendering_of(source: str) -> Rendering:
    """A text rendered once: the write form checks it, then the same request shows or saves it.

    A text past the budgets is shown as plain paragraphs: the write form refuses it with the
    problem's message, and any other way in (an import, the demo) gets no slow page either.
    """
    try:
        html, problem = parser_for(source).render(source), None
    except MarkupTooComplex as error:
        html, problem = plain_paragraphs(source), error.message
    return Rendering(sanitized(html), problem)


def markup_problem(source: str) -> LazyString | None:
    """Why a text's Markdown would take too long to render (a message for the writer), or None."""
    return rendering_of(source).problem


def render_markdown(source: str) -> str:
    """Render untrusted Markdown to HTML that is safe to put on a page."""
    return rendering_of(source).html


def sanitized(html: str, **options: Any) -> str:
    """Only the allowed tags, attributes and URL schemes; links marked as the writer's.

    `options` are nh3's further ones (email rewrites addresses and adds inline styles).
    """
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
        **options,
    )


def beginning_of(source: str) -> str:
    """The first part of a long text, with the link definitions it may refer to."""
    if len(source) <= EXCERPT_SOURCE_LIMIT:
        return source
    definitions = "\n".join(_REFERENCE_DEFINITION.findall(source))
    return source[:EXCERPT_SOURCE_LIMIT] + "\n\n" + definitions[:EXCERPT_SOURCE_LIMIT]


def plain_excerpt(source: str, limit: int = 280) -> str:
    """The first words of a Markdown text as plain text, cut at a word boundary."""
    text = nh3.clean(markdown_to_html(beginning_of(source)), tags=set())
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


# Candidate links: bounded, so that scanning a text stays linear whatever it contains.
_URL = re.compile(r"https?://[^\s<>()\[\]\"'`]{1,2000}", re.IGNORECASE)
_VIDEO_ID = {"youtube": re.compile(r"[A-Za-z0-9_-]{11}"), "vimeo": re.compile(r"\d{1,12}")}
YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com"}
VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com"}


def video_of(url: str) -> VideoEmbed | None:
    """The YouTube or Vimeo video a link points at, if it is one."""
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. a host with characters that normalise to "/" or "@"
        return None
    host = (parts.hostname or "").lower()
    provider, candidate = "", ""
    if host in YOUTUBE_HOSTS and parts.path == "/watch":
        provider, candidate = "youtube", (parse_qs(parts.query).get("v") or [""])[0]
    elif host in YOUTUBE_HOSTS and parts.path.startswith("/embed/"):
        provider, candidate = "youtube", parts.path.removeprefix("/embed/")
    elif host == "youtu.be":
        provider, candidate = "youtube", parts.path.removeprefix("/")
    elif host in VIMEO_HOSTS:
        provider, candidate = "vimeo", parts.path.removeprefix("/")
    if provider and _VIDEO_ID[provider].fullmatch(candidate):
        return VideoEmbed(provider, candidate, url)
    return None


def find_video_embeds(source: str) -> list[VideoEmbed]:
    """YouTube and Vimeo links in a text, in order, each once."""
    found: dict[tuple[str, str], VideoEmbed] = {}
    for match in _URL.finditer(source):
        video = video_of(match.group(0).rstrip(".,;:!?"))
        if video is not None:
            found.setdefault((video.provider, video.video_id), video)
    return list(found.values())
