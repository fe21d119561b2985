"""A WordPress post's HTML as a letter's Markdown (markdownify), with nothing loaded from
the old blog.

WordPress keeps a classic post as text whose blank lines are its paragraphs (it adds the
<p> when it shows the post); Gutenberg's posts are HTML between block comments. Both become
Markdown, which then goes through the letters' own rendering and sanitising like any letter.
Pictures, players and other embeds become links to what they showed: a letter page loads
nothing from the old blog. Links to posts of the same export point at their letters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from markdownify import ATX, BACKSLASH, MarkdownConverter

from app.importing.links import LinkMap
from app.importing.shortcodes import ShortcodeTally, without_shortcodes
from app.text.markdown import video_of

# Elements that are blocks of their own in a classic post, never part of a paragraph.
BLOCKS = (
    "p|div|h[1-6]|ul|ol|li|dl|dt|dd|blockquote|pre|table|thead|tbody|tfoot|tr|td|th|caption|"
    "figure|figcaption|hr|iframe|section|article|aside|header|footer|nav|address|form|"
    "fieldset|legend|details|summary|object|embed|video|audio|script|style|noscript"
)
BLOCK_START = re.compile(rf"^\s*</?(?:{BLOCKS})\b", re.IGNORECASE)
# A blank line above each block's start tag and below its end tag, as WordPress does.
BLOCK_OPENING = re.compile(rf"(<(?:{BLOCKS})\b[^>]*>)", re.IGNORECASE)
BLOCK_CLOSING = re.compile(rf"(</(?:{BLOCKS})>)", re.IGNORECASE)
PREFORMATTED = re.compile(r"<pre\b.*?</pre>", re.DOTALL | re.IGNORECASE)
# Players' own addresses and the videos' pages they show, which video_of knows.
PLAYERS = (("youtube-nocookie.com/embed/", "youtube.com/embed/"),
           ("player.vimeo.com/video/", "vimeo.com/"))  # fmt: skip
MARKDOWN_LINK_TEXT = re.compile(r"([\[\]\\])")


@dataclass
class ConversionTally:
    """What the conversion of an export's posts changed, for the report."""

    shortcodes: ShortcodeTally = field(default_factory=ShortcodeTally)
    internal_links: int = 0
    pictures: int = 0
    embeds: int = 0


def with_paragraphs(html: str) -> str:
    """A classic post's blank-line paragraphs in <p>, single line breaks as <br> (as
    WordPress shows it); blocks that are HTML already and <pre> stay as they are."""
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return f"\x00{len(kept) - 1}\x00"

    html = PREFORMATTED.sub(keep, html)
    html = BLOCK_CLOSING.sub(r"\1\n\n", BLOCK_OPENING.sub(r"\n\n\1", html))
    chunks = [chunk.strip() for chunk in re.split(r"\n[ \t]*\n", html)]
    wrapped = [
        chunk if BLOCK_START.match(chunk) or chunk.startswith("\x00") else
        "<p>" + chunk.replace("\n", "<br />\n") + "</p>"
        for chunk in chunks if chunk
    ]  # fmt: skip
    html = "\n\n".join(wrapped)
    return re.sub(r"\x00(\d+)\x00", lambda match: kept[int(match.group(1))], html)


class PostConverter(MarkdownConverter):
    """markdownify's converter, with links rewritten and nothing embedded from elsewhere."""

    def __init__(self, links: LinkMap, tally: ConversionTally, **options: Any) -> None:
        super().__init__(
            heading_style=ATX, bullets="-", newline_style=BACKSLASH, escape_underscores=False,
            bs4_options="lxml", **options,
        )  # fmt: skip
        self.links = links
        self.tally = tally

    def convert_a(self, el: Any, text: str, parent_tags: set[str]) -> str:
        href = self.links.absolute(el.get("href") or "")
        letter = self.links.letter_address(href)
        if letter is not None:
            self.tally.internal_links += 1
        el["href"] = markdown_url(letter or href)
        return super().convert_a(el, text, parent_tags)

    def convert_img(self, el: Any, text: str, parent_tags: set[str]) -> str:
        """A picture as a link to it, named by its description (or its file name)."""
        source = self.links.absolute(el.get("src") or "")
        label = (el.get("alt") or el.get("title") or source.rsplit("/", 1)[-1]).strip()
        if el.parent is not None and el.parent.name == "a":
            return label or "↗"  # the link around it leads on
        if not source:
            return label
        self.tally.pictures += 1
        return f"[{link_text(label or source)}]({markdown_url(source)})"

    def embedded(self, source: str, parent_tags: set[str]) -> str:
        """A player or other embed as a link to what it shows (a video as its page)."""
        source = self.links.absolute(source)
        if not source:
            return ""
        self.tally.embeds += 1
        address = video_page(source)
        return f" <{address}> " if "_inline" in parent_tags else f"\n\n<{address}>\n\n"

    def convert_iframe(self, el: Any, text: str, parent_tags: set[str]) -> str:
        return self.embedded(el.get("src") or "", parent_tags)

    def convert_embed(self, el: Any, text: str, parent_tags: set[str]) -> str:
        return self.embedded(el.get("src") or "", parent_tags)

    def convert_object(self, el: Any, text: str, parent_tags: set[str]) -> str:
        return self.embedded(el.get("data") or "", parent_tags) or text

    def convert_video(self, el: Any, text: str, parent_tags: set[str]) -> str:
        source = el.get("src") or next((s.get("src") for s in el.find_all("source")), "")
        return self.embedded(source or "", parent_tags)

    convert_audio = convert_video

    def convert_source(self, el: Any, text: str, parent_tags: set[str]) -> str:
        return ""  # read by convert_video


def link_text(text: str) -> str:
    """Text for between a Markdown link's brackets."""
    return MARKDOWN_LINK_TEXT.sub(r"\\\1", text)


def markdown_url(url: str) -> str:
    """An address as a Markdown link's destination: blanks and parentheses encoded."""
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def video_page(source: str) -> str:
    """The page of the video a player shows (a letter makes a click-to-load player of it),
    or the address as it is when it shows none."""
    address = source
    for player, page in PLAYERS:
        address = address.replace(player, page)
    video = video_of(address)
    if video is None:
        return source
    if video.provider == "youtube":
        return f"https://www.youtube.com/watch?v={video.video_id}"
    return f"https://vimeo.com/{video.video_id}"


def post_markdown(html: str, links: LinkMap, tally: ConversionTally) -> str:
    """A post's HTML (classic or Gutenberg, shortcodes and all) as Markdown."""
    html = with_paragraphs(without_shortcodes(html, tally.shortcodes))
    if not html.strip():
        return ""
    markdown = PostConverter(links, tally).convert(html)
    return re.sub(r"\n{3,}", "\n\n", markdown).strip()
