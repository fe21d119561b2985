"""Tags, related discussions and backlinks ("mentioned in")."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import (
    Exists,
    Select,
    bindparam,
    delete,
    func,
    literal_column,
    null,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.orm import aliased

from app.accounts.models import User
from app.database import upsert_insert
from app.extensions import db
from app.letters.models import Letter, LetterStatus
from app.letters.related import OutsideLink, RelatedInput, letter_slug_in
from app.letters.shown import PageLetter
from app.links.models import LetterTag, Link, LinkKind, Tag
from app.reads import prepared, read_rows
from app.text.slugs import slugify

HREF = re.compile(r'href="([^"]+)"')


def mentioned_slugs(*html_parts: str) -> list[str]:
    """Letters of this site that the rendered body or P.S. link to, in order, each once."""
    slugs: list[str] = []
    for html in html_parts:
        for href in HREF.findall(html):
            slug = letter_slug_in(href.replace("&amp;", "&"))
            if slug and slug not in slugs:
                slugs.append(slug)
    return slugs


def set_tags(letter: Letter, names: list[str], replace: bool = True) -> None:
    """Replace the letter's tags (replace=False: it has none yet), creating new ones."""
    if replace:
        db.session.execute(delete(LetterTag).where(LetterTag.letter_id == letter.id))
    if not names:
        return
    tags = tags_made_where_missing({slugify(name, "tag"): name for name in reversed(names)})
    for position, name in enumerate(names):
        tag = tags[slugify(name, "tag")]
        db.session.add(LetterTag(letter_id=letter.id, tag_id=tag.id, position=position,
                                 published_at=letter.published_at))  # fmt: skip


def date_tags(letter: Letter) -> None:
    """The letter was published: its tags carry the date that orders the tag's pages."""
    db.session.execute(
        update(LetterTag)
        .where(LetterTag.letter_id == letter.id)
        .values(published_at=letter.published_at)
    )


def tags_made_where_missing(wanted: dict[str, str]) -> dict[str, Tag]:
    """The tags of these slugs (with their names), created where missing.

    Two colleagues may publish with the same new tag at the same moment: on PostgreSQL the
    second insert waits for the first and then leaves it be, where an ORM insert failed on
    the unique slug with a 500 (found under load, bench/load). Tags that exist are only read
    (most are: an import of thousands of letters reuses a few dozen).
    """
    if not wanted:
        return {}
    found = tags_by_slug(wanted)
    missing = [{"name": name, "slug": slug} for slug, name in wanted.items() if slug not in found]
    if missing:
        db.session.execute(upsert_insert(Tag).values(missing).on_conflict_do_nothing())
        found.update(tags_by_slug([row["slug"] for row in missing]))
    return found


def tags_by_slug(slugs: Iterable[str]) -> dict[str, Tag]:
    return {tag.slug: tag for tag in db.session.scalars(select(Tag).where(Tag.slug.in_(slugs)))}


def set_links(letter: Letter, related: RelatedInput, replace: bool = True) -> None:
    """Store the author's related discussions and the letters the text links to
    (replace=False: the letter has none stored yet)."""
    if replace:
        db.session.execute(delete(Link).where(Link.letter_id == letter.id))
    mentions = mentioned_slugs(letter.body_html, letter.postscript_html)
    targets = letter_ids_by_slug(set(related.slugs) | set(mentions))
    position = 0
    for kind, slugs in ((LinkKind.RELATED, related.slugs), (LinkKind.MENTION, mentions)):
        for slug in dict.fromkeys(slugs):
            target = targets.get(slug)
            if target is not None and target != letter.id:
                db.session.add(Link(letter_id=letter.id, kind=kind, target_letter_id=target,
                                    position=position))  # fmt: skip
                position += 1
    for outside in related.outside:
        db.session.add(Link(letter_id=letter.id, kind=LinkKind.RELATED, url=outside.url,
                            label=outside.label, position=position))  # fmt: skip
        position += 1


def letter_ids_by_slug(slugs: set[str]) -> dict[str, int]:
    if not slugs:
        return {}
    rows = db.session.execute(select(Letter.slug, Letter.id).where(Letter.slug.in_(slugs)))
    return {slug: letter_id for slug, letter_id in rows}


def related_text(letter: Letter) -> str:
    """The related discussions as the write form shows them, one per line."""
    rows = db.session.execute(
        select(Link.url, Link.label, Letter.slug)
        .outerjoin(Letter, Letter.id == Link.target_letter_id)
        .where(Link.letter_id == letter.id, Link.kind == LinkKind.RELATED)
        .order_by(Link.position)
    )
    site = current_app.config["SITE_URL"]
    return "\n".join(
        f"{site}/letters/{slug}" if slug else f"{url} {label}".strip() for url, label, slug in rows
    )


def carried_by_a_published_letter() -> Exists:
    """The condition that a tag is public: a tag of drafts only is nobody else's business."""
    return (
        select(LetterTag.letter_id)
        .join(Letter, Letter.id == LetterTag.letter_id)
        .where(LetterTag.tag_id == Tag.id, Letter.status == LetterStatus.PUBLISHED)
        .exists()
    )


def public_tag_by_slug(slug: str) -> Tag | None:
    """The tag, if a published letter carries it."""
    return db.session.scalars(
        select(Tag).where(Tag.slug == slug, carried_by_a_published_letter())
    ).first()


def public_tag(tag_id: int) -> Tag | None:
    """The tag with this id, if a published letter carries it."""
    return db.session.scalars(
        select(Tag).where(Tag.id == tag_id, carried_by_a_published_letter())
    ).first()


def tag_names(letter: Letter) -> list[str]:
    return [tag.name for tag in tags_of(letter)]


@dataclass(frozen=True)
class TagName:
    name: str
    slug: str


def tags_of_the_letter(*columns: Any) -> Select:
    """These columns of the letter's tags (bound parameter letter_id)."""
    return (
        select(*columns)
        .select_from(Tag)
        .join(LetterTag, LetterTag.tag_id == Tag.id)
        .where(LetterTag.letter_id == bindparam("letter_id"))
    )


TAGS_OF = prepared(tags_of_the_letter(Tag.name, Tag.slug).order_by(LetterTag.position))


def tags_named(names: list[str]) -> list[TagName]:
    """Tags as `set_tags` would store these names: a tag that exists keeps its own name."""
    if not names:
        return []
    slugs = [slugify(name, "tag") for name in names]
    rows = db.session.execute(select(Tag.slug, Tag.name).where(Tag.slug.in_(slugs)))
    existing = {slug: name for slug, name in rows}
    return [
        TagName(existing.get(slug, name), slug) for name, slug in zip(names, slugs, strict=True)
    ]


def tags_of(letter: PageLetter) -> list[TagName]:
    """The letter's tags, the category first."""
    return [TagName(name, slug) for name, slug in read_rows(TAGS_OF, {"letter_id": letter.id})]


@dataclass(frozen=True)
class LetterReference:
    """Another letter as a list shows it."""

    slug: str
    title: str
    published_at: datetime | None
    author: str
    addressee: str


@dataclass
class LetterLinks:
    """Everything a letter page shows about links."""

    related_letters: list[LetterReference] = field(default_factory=list)
    outside: list[OutsideLink] = field(default_factory=list)
    mentioned_in: list[LetterReference] = field(default_factory=list)


_other = aliased(Letter, name="other")
_author = aliased(User, name="other_author")
_addressee = aliased(User, name="other_addressee")
_REFERENCE_COLUMNS = (
    _other.slug, _other.title, _other.published_at, _author.display_name,
    func.coalesce(_addressee.display_name, _other.addressee_name),
)  # fmt: skip
# Built once: it runs on every letter page. One statement for both directions, each found
# through the links' own indexes: the letters that link here are looked up by target, never
# among every published letter (which SQLite, without planner statistics, would do for an
# IN (...) list).
_RELATED = (
    select(
        literal_column("1").label("related"),
        Link.position,
        Link.url,
        Link.label,
        _other.status,
        *_REFERENCE_COLUMNS,
    )  # fmt: skip
    .outerjoin(_other, _other.id == Link.target_letter_id)
    .outerjoin(_author, _author.id == _other.author_id)
    .outerjoin(_addressee, _addressee.id == _other.addressee_id)
    .where(Link.letter_id == bindparam("letter_id"), Link.kind == LinkKind.RELATED)
)
_MENTIONED_IN = (
    select(
        literal_column("0"),
        literal_column("0"),
        literal_column("''"),
        literal_column("''"),
        _other.status,
        *_REFERENCE_COLUMNS,
    )  # fmt: skip
    .select_from(Link)
    .join(_other, _other.id == Link.letter_id)
    .join(_author, _author.id == _other.author_id)
    .outerjoin(_addressee, _addressee.id == _other.addressee_id)
    .where(Link.target_letter_id == bindparam("letter_id"))
)
# The letter page's tags come in the same statement (the label column holds the name, the
# slug column the slug): one statement fewer on the most read page.
TAG_ROW, NOTHING = 2, null()
_TAGS = tags_of_the_letter(
    literal_column(str(TAG_ROW)), LetterTag.position, literal_column("''"), Tag.name,
    NOTHING, Tag.slug, NOTHING, NOTHING, NOTHING, NOTHING,
)  # fmt: skip
TAGS_AND_LINKS = prepared(
    union_all(_RELATED, _MENTIONED_IN, _TAGS).order_by(
        text("related DESC"), text("position"), text("published_at"), text("slug")
    )
)


def tags_and_links_of(letter: PageLetter) -> tuple[list[TagName], LetterLinks]:
    """The letter's tags (the category first), its related discussions, and the published
    letters that link to it."""
    tags: list[TagName] = []
    links = LetterLinks()
    mentioning: set[str] = set()
    rows = read_rows(TAGS_AND_LINKS, {"letter_id": letter.id})
    for related, _position, url, label, status, *reference in rows:
        if related == TAG_ROW:
            tags.append(TagName(label, reference[0]))
        elif related and reference[0] is None:
            links.outside.append(OutsideLink(url, label))
        elif status != LetterStatus.PUBLISHED:
            continue
        elif related:
            links.related_letters.append(LetterReference(*reference))
        elif reference[0] not in mentioning:  # linked from its text and as related: once
            mentioning.add(reference[0])
            links.mentioned_in.append(LetterReference(*reference))
    return tags, links
