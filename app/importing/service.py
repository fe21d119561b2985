"""Importing a WordPress export: read it once to plan, then again to bring each post in.

Everything happens in the caller's one transaction: a file that breaks off imports
nothing. Each post goes in through the letters service as an old letter (its own date,
announced to nobody), so tags, links and backlinks, the search index and the page caches
follow as for any letter, and no notice is sent about it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from sqlalchemy import insert

from app.database import utc_now
from app.extensions import db
from app.importing.authors import Colleagues
from app.importing.comments import CommentImport
from app.importing.html_markdown import post_markdown
from app.importing.models import ImportedPost
from app.importing.plan import (
    ImportPlan,
    PlannedPost,
    drop_posts_without_author,
    give_slugs,
    read_plan,
)
from app.importing.posts import letter_draft
from app.importing.report import ImportReport
from app.importing.wxr import ExportReader, Item
from app.letters.imported import LetterPast, import_letter
from app.letters.models import Letter
from app.letters.related import RelatedInput
from app.links.service import set_links
from app.text.characters import cleaned_text


class Progress(Protocol):
    """Told how many items there are, then of each one done."""

    def start(self, total: int) -> None: ...

    def advance(self) -> None: ...


@dataclass(frozen=True)
class ImportOptions:
    comments: bool = True
    unknown_author: str | None = None  # the colleague for posts of authors without address


def import_wordpress(path: Path, options: ImportOptions, progress: Progress) -> ImportReport:
    """Bring a WordPress export's posts in as letters; ExportError when it cannot be read."""
    reader = ExportReader(path)
    plan = read_plan(reader)
    channel = reader.channel
    colleagues = Colleagues(locale_of(channel.language), options.unknown_author)
    drop_posts_without_author(plan, reader, colleagues)
    give_slugs(plan)
    report = ImportReport(blog=f"{channel.title or '?'} ({channel.address or 'no address'})")
    report.skipped.update(plan.skipped)
    report.already_there = plan.already_there
    report.slugs_changed = plan.slugs_changed
    progress.start(plan.total)
    comments = CommentImport(channel, plan.links.letters_address, report.comments)
    linking: list[Letter] = []
    for item in reader.items():
        post = plan.posts.pop(item.wp_id, None) if item.post_type == "post" else None
        if post is not None:
            links_before = report.conversion.internal_links
            letter = import_post(item, post, plan, colleagues, report)
            if report.conversion.internal_links > links_before:
                linking.append(letter)
            take_comments(item, letter.id, post.slug, options, comments)
        elif item.post_type == "post" and item.wp_id in plan.already:
            letter_id, slug = plan.already[item.wp_id]
            take_comments(item, letter_id, slug, options, comments)
        progress.advance()
    comments.write()
    remember_imported(plan)
    link_letters_to_later_ones(linking)
    report.colleagues_created = [user.email for user in colleagues.created]
    report.colleagues_matched = len(colleagues.matched)
    report.cleaned_characters += reader.removed_characters
    return report


def locale_of(language: str) -> str:
    """The language of the blog ("de-DE") as a colleague's locale."""
    return "de" if language.lower().startswith("de") else "en"


def import_post(
    item: Item, post: PlannedPost, plan: ImportPlan, colleagues: Colleagues, report: ImportReport
) -> Letter:
    """One post as a letter, remembered as imported."""
    content, removed = cleaned_text(item.content)
    item.title, removed_from_title = cleaned_text(item.title)
    report.cleaned_characters += removed + removed_from_title
    markdown = post_markdown(content, plan.links, report.conversion)
    author = colleagues.authors[post.login]
    draft, findings = letter_draft(item, markdown, author, colleagues, plan.language)
    past = LetterPast(post.slug, item.date or utc_now(), published=post.draft_reason is None)
    letter = import_letter(author, draft, past)
    plan.imported[item.wp_id] = letter.id
    report.note_findings(findings)
    if not item.title.strip():
        report.missing["without a title (named by their first words)"] += 1
    if not markdown:
        report.missing["without any text"] += 1
    if post.draft_reason:
        report.drafts[post.draft_reason] += 1
    else:
        report.published += 1
    return letter


def remember_imported(plan: ImportPlan) -> None:
    """Which posts became which letters, written at once: importing again leaves them be."""
    rows = [{"source": plan.source, "post_id": post_id, "letter_id": letter_id,
             "imported_at": utc_now()} for post_id, letter_id in plan.imported.items()]  # fmt: skip
    if rows:
        db.session.execute(insert(ImportedPost), rows)


def take_comments(
    item: Item, letter_id: int, slug: str, options: ImportOptions, comments: CommentImport
) -> None:
    """A post's comments as answers to its letter, unless asked to leave them out."""
    if options.comments:
        comments.add(item, letter_id, slug)
    elif item.comments:
        comments.counts["--no-comments"] += len(item.comments)


def link_letters_to_later_ones(letters: list[Letter]) -> None:
    """Letters that link to posts imported after them: their links and the backlinks now."""
    for letter in letters:
        set_links(letter, RelatedInput(), replace=True)
