"""What an import brought in, what it left out and why, and what it did not find."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from app.importing.html_markdown import ConversionTally
from app.importing.posts import PostFindings

# Shown one by one up to this many; the rest are counted.
LISTED = 10


def counted(number: int, one: str, many: str | None = None) -> str:
    """ "1 letter", "3 letters"."""
    return f"{number} {one if number == 1 else (many or one + 's')}"


def listing(items: list[str]) -> str:
    shown = ", ".join(items[:LISTED])
    return shown + (f" and {len(items) - LISTED} more" if len(items) > LISTED else "")


@dataclass
class ImportReport:
    """The counts an import keeps while it runs, and the text it ends with."""

    blog: str = ""
    published: int = 0
    drafts: Counter[str] = field(default_factory=Counter)  # why a draft: "scheduled" …
    already_there: int = 0
    skipped: Counter[tuple[str, str]] = field(default_factory=Counter)  # why, as one and many
    comments: Counter[str] = field(default_factory=Counter)  # what became of them
    missing: Counter[str] = field(default_factory=Counter)  # parts not found
    found: Counter[str] = field(default_factory=Counter)  # parts found, worth saying
    slugs_changed: list[str] = field(default_factory=list)
    colleagues_created: list[str] = field(default_factory=list)
    colleagues_matched: int = 0
    cleaned_characters: int = 0
    tags_left_out: int = 0
    conversion: ConversionTally = field(default_factory=ConversionTally)

    @property
    def imported(self) -> int:
        return self.published + sum(self.drafts.values())

    def note_findings(self, findings: PostFindings) -> None:
        """Count what one imported post had, and what it lacked."""
        parts = findings.parts
        if not parts.salutation:
            self.missing["without a salutation (to their readers)"] += 1
        elif findings.addressed == "readers":
            self.missing["greeting nobody by name (to their readers)"] += 1
        elif findings.addressed == "outside":
            self.found["to someone outside (no colleague has the name greeted)"] += 1
        if not parts.closing:
            self.missing["without a closing and signature"] += 1
        elif not parts.signature:
            self.missing["with a closing but no signature"] += 1
        if parts.postscript:
            self.found["with a P.S."] += 1
        if findings.video_in_postscript:
            self.found["with a video in the P.S."] += 1
        if findings.tags_left_out:
            self.tags_left_out += 1

    def lines(self) -> list[str]:
        """The report as the command prints it."""
        lines = [f"Imported from {self.blog or 'the export'}:"]
        lines += self.imported_lines() + self.skipped_lines() + self.parts_lines()
        lines += self.changes_lines()
        return lines

    def imported_lines(self) -> list[str]:
        comments, comments_there = self.comments["imported"], self.comments["already there"]
        if not self.imported and not comments and (self.already_there or comments_there):
            there = counted(self.already_there, "post")
            if comments_there:
                there += f" and {counted(comments_there, 'comment')}"
            return [f"  nothing new: {there} already there"]
        lines = [f"  {counted(self.published, 'letter')} published"]
        if self.drafts:
            why = ", ".join(f"{count} {reason}" for reason, count in sorted(self.drafts.items()))
            lines.append(f"  {counted(sum(self.drafts.values()), 'draft')} (never public): {why}")
        if self.already_there:
            lines.append(f"  {counted(self.already_there, 'post')} already there, left as they are")
        if comments or comments_there:
            there = f" ({comments_there} already there)" if comments_there else ""
            lines.append(f"  comments as answers from outside, labelled as comments on the old "
                         f"blog: {comments}{there}")  # fmt: skip
        return lines

    def skipped_lines(self) -> list[str]:
        reasons = [f"  {counted(n, *why)}" for why, n in sorted(self.skipped.items())]
        reasons += [
            f"  {counted(count, 'comment')} ({reason})"
            for reason, count in sorted(self.comments.items())
            if reason not in ("imported", "already there")
        ]
        return ["Skipped:", *reasons] if reasons else []

    def parts_lines(self) -> list[str]:
        missing = [f"  {counted(n, 'letter')} {what}" for what, n in sorted(self.missing.items())]
        found = [f"  {counted(n, 'letter')} {what}" for what, n in sorted(self.found.items())]
        lines = ["Parts not recognised:", *missing] if missing else []
        return lines + (["Recognised:", *found] if found else [])

    def changes_lines(self) -> list[str]:
        lines = []
        if self.colleagues_created:
            lines.append(
                f"Colleagues created without a password ({len(self.colleagues_created)}; "
                f"invite each with `flask users invite EMAIL`): " + listing(self.colleagues_created)
            )
        if self.colleagues_matched:
            lines.append(f"Authors who are colleagues already: {self.colleagues_matched}")
        if self.slugs_changed:
            lines.append(
                f"Addresses changed ({len(self.slugs_changed)}): {listing(self.slugs_changed)}"
            )
        return lines + self.conversion_lines()

    def conversion_lines(self) -> list[str]:
        tally, lines = self.conversion, []
        if tally.internal_links:
            lines.append(f"Links between posts now between letters: {tally.internal_links}")
        if tally.pictures or tally.embeds:
            lines.append(
                f"Pictures and embeds of the old blog made links: {tally.pictures + tally.embeds}"
            )
        shortcodes = tally.shortcodes
        if shortcodes.linked:
            lines.append(f"Shortcodes made links: {shortcode_list(shortcodes.linked)}")
        if shortcodes.dropped:
            lines.append(f"Shortcodes dropped: {shortcode_list(shortcodes.dropped)}")
        if self.tags_left_out:
            lines.append(
                f"{counted(self.tags_left_out, 'letter')} with more categories and tags than a "
                "letter has: the first five kept"
            )
        if self.cleaned_characters:
            lines.append(
                f"Characters removed that cannot be stored or would mislead (NUL, control "
                f"characters, bidi controls, zero-width spaces): {self.cleaned_characters}"
            )
        return lines


def shortcode_list(counts: Counter[str]) -> str:
    return ", ".join(f"[{name}] ×{count}" for name, count in sorted(counts.items()))
