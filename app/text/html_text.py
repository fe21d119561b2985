"""Sanitised letter HTML taken apart: cut at a paragraph, and read as plain text.

The input is what the sanitiser lets through (app.text.markdown's allowlist): paragraphs,
headings, lists, quotes, code, tables and inline marks. Plain text reads as a careful writer
would type the letter in a mail client: links as "text <url>", list items as "- ", quotes
as "> ", lines wrapped, no markup.

Not inscriptis (which reads incoming mail, app/inbound): it writes links as Markdown, drops
quote marks and code indentation, and gives no positions to cut at.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

VOID = {"br", "hr"}
BLOCKS = {"p", "h2", "h3", "h4", "ul", "ol", "blockquote", "pre", "table", "hr"}
LINE_BREAK = "\x00"  # a <br> inside running text, kept apart from folded whitespace
WIDTH = 72


@dataclass
class Node:
    tag: str  # "" for text
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node] = field(default_factory=list)
    text: str = ""
    end: int = 0  # where the element ends in the source, for cutting


class TreeBuilder(HTMLParser):
    """A small tree of the HTML, each element knowing where it ends in the source."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.source = source
        self.root = Node("")
        self.stack = [self.root]
        self.line_starts = [0] + [match.end() for match in re.finditer("\n", source)]

    def position(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def tag_end(self) -> int:
        return self.source.find(">", self.position()) + 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(node)
        if tag in VOID:
            node.end = self.tag_end()
        else:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                end = self.tag_end()
                for node in self.stack[depth:]:
                    node.end = end
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(Node("", text=data))


def parse(html: str) -> Node:
    builder = TreeBuilder(html)
    builder.feed(html)
    builder.close()
    return builder.root


@dataclass(frozen=True)
class Cut:
    html: str
    was_cut: bool


def cut_at_paragraph(html: str, budget: int) -> Cut:
    """The paragraphs (and lists, quotes …) from the start that fit in `budget` UTF-8 bytes.

    A first paragraph too long on its own is shortened at a word, as plain text.
    """
    if len(html.encode()) <= budget:
        return Cut(html, False)
    root = parse(html)
    used, end = 0, 0
    for node in root.children:
        if not node.tag:
            continue
        size = len(html[end : node.end].encode())
        if used + size > budget:
            break
        used, end = used + size, node.end
    if end:
        return Cut(html[:end], True)
    words = " ".join(inline_text(root.children).replace(LINE_BREAK, " ").split())
    shortened = words.encode()[: budget // 2].decode(errors="ignore").rsplit(" ", 1)[0]
    return Cut(f"<p>{escape(shortened)} …</p>", True)


def html_to_text(html: str, width: int = WIDTH) -> str:
    """The HTML as plain text: blocks apart by a blank line, running text wrapped."""
    return "\n\n".join(blocks_of(parse(html).children, width))


def blocks_of(nodes: list[Node], width: int) -> list[str]:
    """Each block of these nodes as text; running text between blocks is a paragraph."""
    blocks: list[str] = []
    running: list[Node] = []
    for node in [*nodes, Node("p")]:  # the empty paragraph ends the last run of text
        if node.tag not in BLOCKS:
            running.append(node)
            continue
        if running:
            blocks.append(wrapped(inline_text(running), width))
            running = []
        blocks.append(block_text(node, width))
    return [block for block in blocks if block.strip()]


def block_text(node: Node, width: int) -> str:
    if node.tag in ("ul", "ol"):
        return list_text(node, width)
    if node.tag == "blockquote":
        inner = "\n\n".join(blocks_of(node.children, width - 2))
        return "\n".join(f"> {line}".rstrip() for line in inner.splitlines())
    if node.tag == "pre":
        code = "".join(text_of(node)).strip("\n")
        return "\n".join(f"    {line}" for line in code.splitlines())
    if node.tag == "table":
        return table_text(node)
    if node.tag == "hr":
        return "* * *"
    return wrapped(inline_text(node.children), width)


def list_text(node: Node, width: int) -> str:
    """ "- item" or "1. item", continuation lines under the item's first word."""
    start = node.attrs.get("start", "1")[:9]
    number = int(start) if start.isdigit() else 1
    items = []
    for item in (child for child in node.children if child.tag == "li"):
        marker = f"{number}. " if node.tag == "ol" else "- "
        number += 1
        indent = " " * len(marker)
        inner = "\n".join(blocks_of(item.children, width - len(marker)))
        lines = inner.splitlines() or [""]
        items.append("\n".join([marker + lines[0], *(indent + line for line in lines[1:])]))
    return "\n".join(items)


def table_text(node: Node) -> str:
    rows = []
    for row in elements(node, "tr"):
        cells = [inline_text(cell.children) for cell in row.children if cell.tag in ("td", "th")]
        rows.append(" | ".join(" ".join(cell.replace(LINE_BREAK, " ").split()) for cell in cells))
    return "\n".join(rows)


def elements(node: Node, tag: str) -> list[Node]:
    found = []
    for child in node.children:
        found.extend([child] if child.tag == tag else elements(child, tag))
    return found


def inline_text(nodes: list[Node]) -> str:
    """Running text with links as "text <url>"; a <br> kept as LINE_BREAK."""
    parts = []
    for node in nodes:
        if node.tag == "br":
            parts.append(LINE_BREAK)
        elif node.tag == "a" and node.attrs.get("href"):
            parts.append(link_text(inline_text(node.children), node.attrs["href"]))
        elif node.tag:
            parts.append(inline_text(node.children))
        else:
            parts.append(node.text)
    return "".join(parts)


def link_text(label: str, href: str) -> str:
    """ "text <url>", or just "<url>" where the text is the address itself."""
    shown = " ".join(label.split())
    if shown in ("", href, href.removeprefix("mailto:")) or href.endswith("//" + shown):
        return f"<{href}>"
    return f"{label} <{href}>"


def text_of(node: Node) -> list[str]:
    if not node.tag:
        return [node.text]
    return [part for child in node.children for part in text_of(child)]


def wrapped(text: str, width: int) -> str:
    """Whitespace folded and lines wrapped; a URL or a long word is never broken."""
    lines = []
    for line in text.split(LINE_BREAK):
        folded = " ".join(line.split())
        lines.append(
            textwrap.fill(folded, max(width, 20), break_long_words=False, break_on_hyphens=False)
        )
    return "\n".join(lines).strip("\n")


# A tag, its attribute values quoted ('>' may stand inside them), or a run of text.
HTML_TOKEN = re.compile(r'<(?:[^>"]|"[^"]*")*>|[^<]+|<')
HTML_LINE = 76


def folded_html(html: str, width: int = HTML_LINE) -> str:
    """The HTML with its running text broken into lines of about `width` characters.

    SMTP refuses lines past 998 octets, and a paragraph is one line as Markdown renders it.
    A line break between words is a space to HTML; the text of <pre> is left as it is.
    """
    parts: list[str] = []
    column, in_pre = 0, 0
    for match in HTML_TOKEN.finditer(html):
        piece = match.group()
        if piece.startswith("<"):
            name = piece[1:].split(maxsplit=1)[0].rstrip(">").lower() if len(piece) > 2 else ""
            in_pre += {"pre": 1, "/pre": -1}.get(name, 0)
        elif not in_pre:
            piece = folded_text(piece, column, width)
        parts.append(piece)
        column = len(piece) - piece.rfind("\n") - 1 if "\n" in piece else column + len(piece)
    return "".join(parts)


def folded_text(text: str, column: int, width: int) -> str:
    """Text whose spaces become line breaks where a line would grow past `width`."""
    words = text.split(" ")
    parts = [words[0]]
    column += len(words[0])
    for word in words[1:]:
        if column + 1 + len(word) > width and column > 0:
            parts.append("\n")
            column = 0
        else:
            parts.append(" ")
            column += 1
        parts.append(word)
        column = len(word) - word.rfind("\n") - 1 if "\n" in word else column + len(word)
    return "".join(parts)
