"""The first reading of an export: which posts come in, at which address, and which not.

Reading the whole file once before anything is written means a broken file imports
nothing, the progress bar knows its length, and a post that links to one further down
knows that one's letter address already. Only what a decision needs is kept, not the posts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import unquote

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.importing.authors import Colleagues
from app.importing.links import LinkMap, address_key
from app.importing.models import ImportedPost
from app.importing.wxr import ExportReader, Item
from app.letters.imported import taken_slugs
from app.letters.models import Letter
from app.letters.service import free_slug
from app.text.characters import cleaned_text
from app.text.slugs import slugify

# Why an item is skipped, as one and as many. Other types go by their own name ("wp_block").
Reason = tuple[str, str]
SKIPPED_TYPES: dict[str, Reason] = {
    "page": ("page", "pages"),
    "attachment": ("attachment", "attachments"),
    "nav_menu_item": ("nav menu item", "nav menu items"),
    "revision": ("revision", "revisions"),
}
# Posts that were not public on the blog stay drafts here, seen by their author only.
DRAFT_STATUSES = {
    "draft": "draft",
    "future": "scheduled",
    "pending": "pending review",
    "private": "private",
}
SKIPPED_STATUSES: dict[str, Reason] = {
    "auto-draft": ("auto-draft (never written)", "auto-drafts (never written)"),
    "trash": ("post in the trash", "posts in the trash"),
}
NO_ID: Reason = ("post without an ID", "posts without an ID")
TWICE: Reason = ("post given twice (the same ID)", "posts given twice (the same ID)")
NO_AUTHOR: Reason = (
    "post by an author without an email address (see --unknown-author)",
    "posts by authors without an email address (see --unknown-author)",
)


@dataclass
class PlannedPost:
    login: str
    wanted_slug: str
    own_slug: str  # the post's address on the blog ("über-uns"), "" if it had none
    addresses: tuple[str, ...]
    draft_reason: str | None  # None: published
    slug: str = ""


@dataclass
class ImportPlan:
    source: str
    links: LinkMap
    language: str = ""  # the blog's ("de-DE")
    total: int = 0
    posts: dict[int, PlannedPost] = field(default_factory=dict)
    # post id -> its letter's id and slug
    already: dict[int, tuple[int, str]] = field(default_factory=dict)
    imported: dict[int, int] = field(default_factory=dict)  # post id -> its new letter's id
    already_there: int = 0
    skipped: Counter[Reason] = field(default_factory=Counter)
    slugs_changed: list[str] = field(default_factory=list)


def skip_reason(item: Item) -> Reason | None:
    """Why an item does not become a letter, or None when it does."""
    if item.post_type != "post":
        kind = item.post_type or "untyped"
        return SKIPPED_TYPES.get(item.post_type, (f"{kind} item", f"{kind} items"))
    if item.status in SKIPPED_STATUSES:
        return SKIPPED_STATUSES[item.status]
    return NO_ID if item.wp_id <= 0 else None


def draft_reason(item: Item) -> str | None:
    """Why a post comes in as a draft, or None when it was public."""
    if item.status != "publish":
        return DRAFT_STATUSES.get(item.status, f"status {item.status or 'unknown'}")
    return "password-protected" if item.password.strip() else None


def wanted_slug(item: Item) -> str:
    """The post's own address where it has one, else one made from its title."""
    name = slugify(unquote(item.post_name.strip()), "")
    if name:
        return name
    return slugify(cleaned_text(item.title)[0], f"post-{item.wp_id}")


def planned_post(item: Item) -> PlannedPost:
    own = unquote(item.post_name.strip())
    return PlannedPost(
        item.creator, wanted_slug(item), own, (item.link, item.guid), draft_reason(item)
    )


def source_of(reader: ExportReader) -> str:
    """The blog's address as imported posts are remembered by ("blog.example.org/site")."""
    return (address_key(reader.channel.address) or "unknown")[:200]


def read_plan(reader: ExportReader) -> ImportPlan:
    """Read the whole export once, deciding about each item; nothing is written."""
    plan: ImportPlan | None = None
    for item in reader.items():
        if plan is None:  # the channel's address is known by the first item
            plan = new_plan(reader)
        plan.total += 1
        reason = skip_reason(item)
        if reason is not None:
            plan.skipped[reason] += 1
        elif item.wp_id in plan.already:
            plan.already_there += 1
            plan.links.add_post(item.wp_id, (item.link, item.guid), plan.already[item.wp_id][1])
        elif item.wp_id in plan.posts:
            plan.skipped[TWICE] += 1
        else:
            plan.posts[item.wp_id] = planned_post(item)
    return plan or new_plan(reader)


def new_plan(reader: ExportReader) -> ImportPlan:
    source = source_of(reader)
    letters = current_app.config["SITE_URL"].rstrip("/") + "/letters"
    plan = ImportPlan(source, LinkMap(reader.channel.address, letters), reader.channel.language)
    rows = db.session.execute(
        select(ImportedPost.post_id, Letter.id, Letter.slug)
        .join(Letter, Letter.id == ImportedPost.letter_id)
        .where(ImportedPost.source == source)
    )
    plan.already = {post_id: (letter_id, slug) for post_id, letter_id, slug in rows}
    return plan


def drop_posts_without_author(
    plan: ImportPlan, reader: ExportReader, colleagues: Colleagues
) -> None:
    """Posts whose author can be no colleague are skipped (see authors.py)."""
    for wp_id, post in list(plan.posts.items()):
        if colleagues.author(post.login, reader.channel.authors.get(post.login)) is None:
            del plan.posts[wp_id]
            plan.skipped[NO_AUTHOR] += 1


def give_slugs(plan: ImportPlan) -> None:
    """A free slug for each post: its own where free, else a numbered one (reported)."""
    taken = taken_slugs([post.wanted_slug for post in plan.posts.values()])
    given: set[str] = set()
    for wp_id, post in plan.posts.items():
        slug = post.wanted_slug
        if slug in taken or slug in given:
            slug = free_slug(slug, also_taken=given)
            plan.slugs_changed.append(f"{post.own_slug or post.wanted_slug} → {slug} (taken)")
        elif post.own_slug and post.own_slug != slug:
            plan.slugs_changed.append(f"{post.own_slug} → {slug} (plain letters only)")
        given.add(slug)
        post.slug = slug
        plan.links.add_post(wp_id, post.addresses, slug)
