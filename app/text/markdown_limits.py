"""Bounds on the work a Markdown text may cause, so that no letter takes seconds to render.

markdown-it-py spends a few microseconds on every token it makes, and cheap source makes
many: each "|" line after a table header is a row, each "- a" line a list item, each "*a"
an emphasis. 100 KB of them took seconds. A letter has a few hundred blocks and a few
thousand marks; the budgets below allow many times that, count work as the parser does it
and stop the parse the moment one is spent, whatever shape the text has.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block.table import table
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import (
    StateInline,
    autolink,
    emphasis,
    image,
    link,
    linkify,
    strikethrough,
)

# Lines: list items and table rows come a whole run at a time, a line each, past the other
# budgets' checks; and every line of a paragraph is tried as the start of every other block.
MAX_LINES = 10_000
# Tokens of the block structure (a paragraph is three, a list item five, a table cell three).
MAX_BLOCK_TOKENS = 20_000
# Tokens of the text in paragraphs, headings and cells (an emphasis is three, a link three).
MAX_INLINE_TOKENS = 30_000
# Links and images: each costs a hundred steps (its address is parsed, checked, normalised).
MAX_LINKS = 2_000
# Runs of emphasis marks (*, _, ~): each run is paired with the others after its paragraph.
MAX_EMPHASIS_RUNS = 10_000
# Cells of all tables together: a row has as many cells as its table's header.
MAX_TABLE_CELLS = 5_000


class MarkupTooComplex(Exception):
    """The text would take too long to render; the message tells the writer what to change."""

    def __init__(self, message: LazyString) -> None:
        super().__init__(message)
        self.message = message


TOO_MANY_LINES = _l("A letter may have at most %(count)d lines.", count=MAX_LINES)
TOO_MANY_BLOCKS = _l(
    "This text has too many paragraphs, list items, quotes or headings to show."
    " Please shorten it or split it into several letters."
)
TOO_MUCH_FORMATTING = _l(
    "This text has too much formatting (emphasis, links, code, line breaks) to show."
    " Please shorten it or split it into several letters."
)
TOO_MANY_LINKS = _l("A letter may have at most %(count)d links.", count=MAX_LINKS)
TABLE_TOO_LARGE = _l(
    "Tables may have at most %(count)d cells in all (rows times columns).",
    count=MAX_TABLE_CELLS,
)


def count_lines(state: StateCore) -> None:
    """Before parsing: refuse a text of more lines than a letter has."""
    if state.src.rstrip("\n").count("\n") >= MAX_LINES:
        raise MarkupTooComplex(TOO_MANY_LINES)


def count_block_tokens(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """Tried before every block: stop when the structure has grown past its budget."""
    if len(state.tokens) > MAX_BLOCK_TOKENS:
        raise MarkupTooComplex(TOO_MANY_BLOCKS)
    return False  # never a block itself: the real rules follow


def count_inline_tokens(state: StateInline, silent: bool) -> bool:
    """Tried at every step of the inline parser: stop when the text has made too many tokens.

    Each paragraph has a parser state (and tokens) of its own; the env holds those before it.
    """
    env = state.env
    if env.get("inline state") is not state:
        previous = env.get("inline state")
        env["inline tokens"] = env.get("inline tokens", 0) + (
            len(previous.tokens) if previous else 0
        )
        env["inline state"] = state
    if env["inline tokens"] + len(state.tokens) > MAX_INLINE_TOKENS:
        raise MarkupTooComplex(TOO_MUCH_FORMATTING)
    return False


InlineRule = Callable[[StateInline, bool], bool]


def counted(rule: InlineRule, budget: str, limit: int, message: LazyString) -> InlineRule:
    """An inline rule whose every match counts against a budget of its own."""

    def run(state: StateInline, silent: bool) -> bool:
        if not rule(state, silent):
            return False
        if not silent:
            used = state.env[budget] = state.env.get(budget, 0) + 1
            if used > limit:
                raise MarkupTooComplex(message)
        return True

    return run


def header_cells(state: StateBlock, line: int) -> int:
    """How many cells each row of a table with this header line gets (at least)."""
    text = state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]].strip()
    return text.removeprefix("|").removesuffix("|").count("|") + 1


def bounded_table(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """markdown-it's table rule, ending the table where the cells of all tables run out.

    The rule makes every row in one call, so the block budget would notice only afterwards.
    """
    if silent or not table(state, start_line, end_line, True):
        return table(state, start_line, end_line, silent)
    columns = header_cells(state, start_line)
    used = state.env.get("table cells", 0)
    rows_left = (MAX_TABLE_CELLS - used) // columns - 1  # the header row is one of them
    if rows_left < 0:
        raise MarkupTooComplex(TABLE_TOO_LARGE)
    last_line = min(end_line, start_line + 2 + rows_left)
    table(state, start_line, last_line, False)
    state.env["table cells"] = used + (state.line - start_line - 1) * columns
    if state.line == last_line < end_line and not state.isEmpty(last_line):
        raise MarkupTooComplex(TABLE_TOO_LARGE)  # the table goes on past its last cell
    return True


def limit_work(markdown: MarkdownIt) -> MarkdownIt:
    """Give a parser the budgets above; parsing then raises MarkupTooComplex past them."""
    markdown.core.ruler.before("block", "count_lines", count_lines)
    if "table" in markdown.block.ruler.get_active_rules():
        markdown.block.ruler.at("table", bounded_table, {"alt": ["paragraph", "reference"]})
    markdown.block.ruler.before("table", "count_block_tokens", count_block_tokens)
    markdown.inline.ruler.before("text", "count_inline_tokens", count_inline_tokens)
    active = markdown.inline.ruler.get_active_rules()
    for name, rule, budget, limit, message in COUNTED_RULES:
        if name in active:
            markdown.inline.ruler.at(name, counted(rule, budget, limit, message))
    return markdown


COUNTED_RULES = (
    ("link", link, "links", MAX_LINKS, TOO_MANY_LINKS),
    ("image", image, "links", MAX_LINKS, TOO_MANY_LINKS),
    ("autolink", autolink, "links", MAX_LINKS, TOO_MANY_LINKS),
    ("linkify", linkify, "links", MAX_LINKS, TOO_MANY_LINKS),
    ("emphasis", emphasis.tokenize, "emphasis", MAX_EMPHASIS_RUNS, TOO_MUCH_FORMATTING),
    ("strikethrough", strikethrough.tokenize, "emphasis", MAX_EMPHASIS_RUNS, TOO_MUCH_FORMATTING),
)
