"""Tags and links of many letters at once, for lists that show them with every letter.

A letter page asks `tags_and_links_of` for its one letter; a list of letters (the
JSON API's) asks here, in one query each however many letters the list holds.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from app.accounts.models import User
from app.extensions import db
from app.letters.models import Letter, LetterStatus
from app.letters.related import OutsideLink
from app.links.models import LetterTag, Link, LinkKind, Tag
from app.links.service import LetterLinks, LetterReference, TagName

_linked = aliased(Letter, name="linked")
_linked_author = aliased(User, name="linked_author")
_linked_addressee = aliased(User, name="linked_addressee")
# The other letter of a link as a list shows it (LetterReference's fields, in order).
_LINKED_COLUMNS = (
    _linked.slug,
    _linked.title,
    _linked.published_at,
    _linked_author.display_name,
    func.coalesce(_linked_addressee.display_name, _linked.addressee_name),
)


def tags_of_letters(letter_ids: Collection[int]) -> dict[int, list[TagName]]:
    """Each letter's tags, the category first (letters without tags are left out)."""
    if not letter_ids:
        return {}
    rows = db.session.execute(
        select(LetterTag.letter_id, Tag.name, Tag.slug)
        .join(Tag, Tag.id == LetterTag.tag_id)
        .where(LetterTag.letter_id.in_(letter_ids))
        .order_by(LetterTag.letter_id, LetterTag.position)
    )
    tags: dict[int, list[TagName]] = {}
    for letter_id, name, slug in rows:
        tags.setdefault(letter_id, []).append(TagName(name, slug))
    return tags


def links_of_letters(letter_ids: Collection[int]) -> dict[int, LetterLinks]:
    """Each letter's related discussions and the published letters mentioning it (2 queries).

    As on the letter page, a related letter shows only while it is published.
    """
    links = {letter_id: LetterLinks() for letter_id in letter_ids}
    if not letter_ids:
        return links
    related = (
        select(Link.letter_id, Link.url, Link.label, _linked.status, *_LINKED_COLUMNS)
        .outerjoin(_linked, _linked.id == Link.target_letter_id)
        .outerjoin(_linked_author, _linked_author.id == _linked.author_id)
        .outerjoin(_linked_addressee, _linked_addressee.id == _linked.addressee_id)
        .where(Link.letter_id.in_(letter_ids), Link.kind == LinkKind.RELATED)
        .order_by(Link.letter_id, Link.position, Link.id)
    )
    for letter_id, url, label, status, *reference in db.session.execute(related):
        if reference[0] is None:
            links[letter_id].outside.append(OutsideLink(url, label))
        elif status == LetterStatus.PUBLISHED:
            links[letter_id].related_letters.append(LetterReference(*reference))
    for target_id, *reference in db.session.execute(mentioning(letter_ids)):
        links[target_id].mentioned_in.append(LetterReference(*reference))
    return links


def mentioning(letter_ids: Collection[int]) -> Select:
    """The published letters linking to each of these letters, once each, oldest first."""
    return (
        select(Link.target_letter_id, *_LINKED_COLUMNS)
        .join(_linked, _linked.id == Link.letter_id)
        .join(_linked_author, _linked_author.id == _linked.author_id)
        .outerjoin(_linked_addressee, _linked_addressee.id == _linked.addressee_id)
        .where(Link.target_letter_id.in_(letter_ids), _linked.status == LetterStatus.PUBLISHED)
        .distinct()
        .order_by(Link.target_letter_id, _linked.published_at, _linked.slug)
    )
