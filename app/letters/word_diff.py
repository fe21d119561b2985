"""What changed between two versions of a text, word by word, at a bounded cost.

The texts are compared line by line first, then the lines that changed word by word (words,
runs of punctuation and runs of whitespace are the tokens, so line breaks are kept). Long runs
of unchanged lines are left out but for a few lines of context around each change.

difflib's matcher can take minutes on large texts that defeat it (many tokens, each repeated
just too rarely to be ignored as "popular"), so every search spends from a budget shared by the
page; a passage whose search would cost more than is left is shown whole: the old text removed,
the new one added. The result is plain text in pieces; the template escapes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import Match, SequenceMatcher
from itertools import accumulate
from typing import Literal

Kind = Literal["same", "removed", "added", "skipped"]

TOKEN = re.compile(r"\s+|\w+|[^\w\s]+")
# Unchanged lines shown before and after a change; longer runs are left out between them.
CONTEXT_LINES = 3
# Steps of difflib's search one page may take: some tenths of a second on a slow machine.
PAGE_BUDGET = 300_000


@dataclass(frozen=True)
class Piece:
    """A stretch of text: unchanged, removed, added, or a count of unchanged lines left out."""

    kind: Kind
    text: str = ""
    lines: int = 0


@dataclass
class Diff:
    pieces: list[Piece]
    # Some passage would have cost more than the budget had left: it is shown whole.
    whole: bool = False


class OverBudget(Exception):
    """The comparison would cost more than the page has left."""


class Budget:
    """How many search steps the comparisons of one page may still take."""

    def __init__(self, steps: int = PAGE_BUDGET) -> None:
        self.left = steps

    def spend(self, steps: int) -> None:
        """Take the steps from the budget, or refuse (and keep what is left for smaller work)."""
        if steps > self.left:
            raise OverBudget
        self.left -= steps


class BoundedMatcher(SequenceMatcher):
    """difflib's matcher, stopped by the budget before a search that would cost too much."""

    def __init__(self, old: list[str], new: list[str], budget: Budget) -> None:
        budget.spend(len(old) + len(new))  # hashing the tokens
        super().__init__(None, old, new, autojunk=True)
        self.budget = budget
        # A search over old[alo:ahi] looks at every place in `new` of each of those tokens.
        places = (len(self.b2j.get(token, ())) for token in old)
        self.places_before = list(accumulate(places, initial=0))

    def find_longest_match(
        self, alo: int = 0, ahi: int | None = None, blo: int = 0, bhi: int | None = None
    ) -> Match:
        ahi = len(self.a) if ahi is None else ahi
        bhi = len(self.b) if bhi is None else bhi
        places = self.places_before[ahi] - self.places_before[alo]
        self.budget.spend(places + (ahi - alo) + (bhi - blo))
        return super().find_longest_match(alo, ahi, blo, bhi)


def word_diff(old: str, new: str, budget: Budget | None = None) -> Diff:
    """The pieces that turn `old` into `new`: unchanged, removed and added text."""
    budget = budget or Budget()
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    head, tail = common_ends(old_lines, new_lines)
    old_middle = old_lines[head : len(old_lines) - tail]
    new_middle = new_lines[head : len(new_lines) - tail]
    diff = Diff(unchanged_lines(old_lines[:head], first=True, last=not old_middle))
    try:
        opcodes = BoundedMatcher(old_middle, new_middle, budget).get_opcodes()
    except OverBudget:
        opcodes = [("replace", 0, len(old_middle), 0, len(new_middle))]
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            diff.pieces += unchanged_lines(old_middle[i1:i2], first=False, last=False)
        elif i2 - i1 == j2 - j1:  # as many lines as before: each line compared with its own
            for old_line, new_line in zip(old_middle[i1:i2], new_middle[j1:j2], strict=True):
                changed_words(old_line, new_line, budget, diff)
        else:
            changed_words("".join(old_middle[i1:i2]), "".join(new_middle[j1:j2]), budget, diff)
    diff.pieces += unchanged_lines(old_lines[len(old_lines) - tail :], first=False, last=True)
    return diff


def common_ends(old: list[str], new: list[str]) -> tuple[int, int]:
    """How many items the two lists share at their start, and then at their end."""
    limit = min(len(old), len(new))
    head = 0
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    return head, tail


def changed_words(old: str, new: str, budget: Budget, diff: Diff) -> None:
    """Add a changed passage word by word (or whole, once the budget is spent)."""
    old_words, new_words = TOKEN.findall(old), TOKEN.findall(new)
    head, tail = common_ends(old_words, new_words)
    old_middle = old_words[head : len(old_words) - tail]
    new_middle = new_words[head : len(new_words) - tail]
    pieces = [Piece("same", "".join(old_words[:head]))]
    try:
        opcodes = BoundedMatcher(old_middle, new_middle, budget).get_opcodes()
    except OverBudget:
        opcodes = [("replace", 0, len(old_middle), 0, len(new_middle))]
        diff.whole = diff.whole or bool(old_middle and new_middle)
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            pieces.append(Piece("same", "".join(old_middle[i1:i2])))
        else:
            pieces += changed_whole("".join(old_middle[i1:i2]), "".join(new_middle[j1:j2]))
    pieces.append(Piece("same", "".join(old_words[len(old_words) - tail :])))
    diff.pieces += [piece for piece in pieces if piece.text]


def changed_whole(old: str, new: str) -> list[Piece]:
    """The old text removed and the new one added, leaving out what is empty."""
    return [piece for piece in (Piece("removed", old), Piece("added", new)) if piece.text]


def unchanged_lines(lines: list[str], first: bool, last: bool) -> list[Piece]:
    """Unchanged lines, a long run cut down to the context around the changes."""
    keep_start = 0 if first else CONTEXT_LINES  # the lines right after a change
    keep_end = 0 if last else CONTEXT_LINES  # the lines right before a change
    if len(lines) <= keep_start + keep_end + 1:
        return [Piece("same", "".join(lines))] if lines else []
    pieces = [Piece("skipped", lines=len(lines) - keep_start - keep_end)]
    if keep_start:
        pieces.insert(0, Piece("same", "".join(lines[:keep_start])))
    if keep_end:
        pieces.append(Piece("same", "".join(lines[-keep_end:])))
    return pieces
