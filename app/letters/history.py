"""A letter's history: each edit, field by field, as the words it removed and added."""

from __future__ import annotations

from dataclasses import dataclass

from app.letters.models import Letter, Revision
from app.letters.queries import revisions_of
from app.letters.word_diff import Budget, Diff, word_diff

# The fields a revision keeps, in the order a letter shows them.
TEXT_FIELDS = ("title", "salutation", "body", "closing", "signature", "postscript")


@dataclass(frozen=True)
class FieldChange:
    field: str
    diff: Diff


@dataclass(frozen=True)
class Edit:
    """One edit: the text it replaced (`before`) and what it changed in each field."""

    before: Revision
    changes: list[FieldChange]

    @property
    def shown_whole(self) -> bool:
        """Whether some passage is shown whole rather than word by word."""
        return any(change.diff.whole for change in self.changes)


def edits_of(letter: Letter) -> list[Edit]:
    """The edits of a letter, newest first; one budget bounds the comparisons of them all."""
    budget = Budget()
    edits = []
    after: Letter | Revision = letter
    for before in revisions_of(letter):  # newest first
        changes = [
            FieldChange(name, word_diff(getattr(before, name), getattr(after, name), budget))
            for name in TEXT_FIELDS
            if getattr(before, name) != getattr(after, name)
        ]
        edits.append(Edit(before, changes))
        after = before
    return edits
