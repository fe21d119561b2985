"""Letters as Markdown files with YAML front matter, read in a constant number of statements."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import yaml
from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.letters.models import Letter, Revision
from app.links.models import LetterTag, Link

# Letters read per round: memory stays bounded however many letters a colleague wrote.
BATCH_SIZE = 200


@dataclass
class LetterAround:
    """What the files of one letter need besides the letter itself."""

    tags: list[str] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    revisions: list[Revision] = field(default_factory=list)


def stamp(moment: datetime | None) -> str | None:
    """A moment as ISO 8601 text, or None."""
    return moment.isoformat() if moment else None


def letters_in_batches(letter_ids: list[int]) -> Iterator[list[Letter]]:
    """The letters with these ids, a batch at a time, in order of id."""
    for start in range(0, len(letter_ids), BATCH_SIZE):
        chunk = letter_ids[start : start + BATCH_SIZE]
        yield list(
            db.session.scalars(select(Letter).where(Letter.id.in_(chunk)).order_by(Letter.id))
        )


def surroundings(letters: list[Letter]) -> dict[int, LetterAround]:
    """Tags, links and revisions of these letters: three statements."""
    ids = [letter.id for letter in letters]
    around: dict[int, LetterAround] = defaultdict(LetterAround)
    tags = select(LetterTag).where(LetterTag.letter_id.in_(ids)).order_by(LetterTag.position)
    for letter_tag in db.session.scalars(tags):
        around[letter_tag.letter_id].tags.append(letter_tag.tag.name)
    links = select(Link).where(Link.letter_id.in_(ids)).order_by(Link.position)
    for link in db.session.scalars(links):
        around[link.letter_id].links.append(link_record(link))
    revisions = select(Revision).where(Revision.letter_id.in_(ids)).order_by(Revision.id)
    for revision in db.session.scalars(revisions):
        around[revision.letter_id].revisions.append(revision)
    return around


def link_record(link: Link) -> dict[str, Any]:
    """A link as plain data."""
    return {
        "kind": str(link.kind),
        "target_letter_id": link.target_letter_id,
        "url": link.url,
        "label": link.label,
    }


def people_of(letters: Iterable[Letter]) -> dict[int, User]:
    """Authors and addressees of these letters by id: one statement."""
    ids = {letter.author_id for letter in letters}
    ids |= {letter.addressee_id for letter in letters if letter.addressee_id}
    if not ids:
        return {}
    return {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(ids)))}


def slugs_of(letter_ids: set[int]) -> dict[int, str]:
    """Slugs of these letters by id: one statement."""
    if not letter_ids:
        return {}
    rows = db.session.execute(select(Letter.id, Letter.slug).where(Letter.id.in_(letter_ids)))
    return {letter_id: slug for letter_id, slug in rows}


def front_matter(
    letter: Letter, people: dict[int, User], slugs: dict[int, str], around: LetterAround
) -> dict[str, Any]:
    """Every field of a letter but its text, as the YAML header holds it."""
    addressee = people.get(letter.addressee_id) if letter.addressee_id else None
    return {
        "title": letter.title,
        "slug": letter.slug,
        "status": str(letter.status),
        "author": people[letter.author_id].handle,
        "addressee": addressee.display_name if addressee else letter.addressee_name,
        "addressee_handle": addressee.handle if addressee else None,
        "salutation": letter.salutation,
        "closing": letter.closing,
        "signature": letter.signature,
        "postscript": letter.postscript,
        "language": str(letter.language),
        "created_at": stamp(letter.created_at),
        "published_at": stamp(letter.published_at),
        "edited_at": stamp(letter.edited_at),
        "withdrawn_at": stamp(letter.withdrawn_at),
        "tags": around.tags,
        "links": around.links,
        "in_reply_to": slugs.get(letter.in_reply_to_id) if letter.in_reply_to_id else None,
        "thread": slugs.get(letter.thread_root_id) if letter.thread_root_id else None,
    }


def markdown_file(header: dict[str, Any], body: str) -> str:
    """A Markdown file with a YAML front matter block."""
    dumped = yaml.safe_dump(header, allow_unicode=True, sort_keys=False)
    return f"---\n{dumped}---\n\n{body}\n"


def revision_file(letter: Letter, revision: Revision) -> str:
    """An earlier text of a letter as a Markdown file of its own."""
    header = {
        "title": revision.title,
        "slug": letter.slug,
        "salutation": revision.salutation,
        "closing": revision.closing,
        "signature": revision.signature,
        "postscript": revision.postscript,
        "valid_from": stamp(revision.valid_from),
        "replaced_at": stamp(revision.replaced_at),
    }
    return markdown_file(header, revision.body)


def letter_files(letter_ids: list[int], folder: str) -> Iterator[tuple[str, str]]:
    """(path, text) of each letter's file and of its revisions, under `folder`."""
    for letters in letters_in_batches(letter_ids):
        people = people_of(letters)
        around = surroundings(letters)
        slugs = slugs_of(
            {i for letter in letters for i in (letter.in_reply_to_id, letter.thread_root_id) if i}
        )
        for letter in letters:
            mine = around[letter.id]
            header = front_matter(letter, people, slugs, mine)
            yield f"{folder}/{letter.slug}.md", markdown_file(header, letter.body)
            for number, revision in enumerate(mine.revisions, start=1):
                yield (
                    f"{folder}/revisions/{letter.slug}/{number}.md",
                    revision_file(letter, revision),
                )
