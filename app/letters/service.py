"""Writing letters: drafts, publishing, edits with revisions, withdrawal and hiding.

What follows from each step (tags and links, the search index, "more letters", notices)
is done by the features above, on the signals of `app.letters.events`.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.database import utc_now
from app.extensions import db
from app.letters.events import (
    letter_edited,
    letter_hidden,
    letter_published,
    letter_restored,
    letter_saved,
    letter_withdrawn,
)
from app.letters.models import Language, Letter, LetterStatus, Revision
from app.letters.related import RelatedInput
from app.letters.salutations import suggested_salutation
from app.text.markdown import plain_excerpt, render_markdown
from app.text.slugs import slugify

# Addresses under /letters/ that are pages of their own, never a letter's slug.
RESERVED_SLUGS = frozenset({"new", "suggest"})
# The text an edit of a published letter keeps as a revision; a change to it is "updated on".
REVISED_FIELDS = ("title", "salutation", "body", "closing", "signature", "postscript")


class LetterError(Exception):
    """A request about a letter that cannot be carried out, with a message for the writer."""


@dataclass
class LetterDraft:
    """What a writer typed: the fields of the write form and nothing else."""

    title: str
    salutation: str
    body: str
    closing: str
    signature: str
    postscript: str
    language: Language
    addressee: User | None
    addressee_name: str
    tags: list[str] = field(default_factory=list)
    related: RelatedInput = field(default_factory=RelatedInput)


def unique_slug(title: str, letter_id: int | None = None) -> str:
    """The title's slug, numbered if another letter already has it."""
    return free_slug(slugify(title), letter_id)


def free_slug(base: str, letter_id: int | None = None, also_taken: Set[str] = frozenset()) -> str:
    """The slug, or the first numbered form of it that no letter (nor `also_taken`) has.

    The numbered forms are looked up by equality, a batch at a time (one lookup for most
    titles): a LIKE over every slug that starts alike would read more the more letters there
    are, and PostgreSQL reads no index for it.
    """
    first, size = 2, 20
    while True:
        numbered = [f"{base}-{number}" for number in range(first, first + size)]
        wanted = [base, *numbered] if first == 2 else numbered
        taken = set(
            db.session.scalars(
                select(Letter.slug).where(Letter.slug.in_(wanted), Letter.id != (letter_id or 0))
            )
        )
        taken |= also_taken | RESERVED_SLUGS
        free = [slug for slug in wanted if slug not in taken]
        if free:
            return free[0]
        first, size = first + size, size * 4


def store_with_unique_slug(letter: Letter, attempts: int = 5) -> None:
    """Give the letter a free slug and write it; two writers racing for one title both win.

    Between looking a slug up and writing it, another transaction may take it (PostgreSQL
    lets both read); the unique constraint then refuses ours and we try the next number.
    """
    for attempt in range(attempts):
        with db.session.no_autoflush:  # the letter itself is not written yet
            slug = unique_slug(letter.title, letter.id)
        try:
            # begin_nested() flushes what is pending first: the letter joins inside it.
            with db.session.begin_nested():
                letter.slug = slug
                db.session.add(letter)
                db.session.flush()
            return
        except IntegrityError:
            if attempt == attempts - 1:
                raise


def apply_draft(letter: Letter, draft: LetterDraft) -> None:
    """Copy the writer's fields onto the letter and render its Markdown."""
    letter.title = draft.title.strip()
    letter.language = draft.language
    letter.addressee_id = draft.addressee.id if draft.addressee else None
    letter.addressee_name = "" if draft.addressee else draft.addressee_name.strip()
    letter.salutation = draft.salutation.strip() or suggested_salutation(
        draft.addressee, draft.addressee_name, draft.language
    )
    letter.body = draft.body
    letter.body_html = render_markdown(draft.body)
    letter.excerpt = plain_excerpt(draft.body)
    letter.closing = draft.closing.strip()
    letter.signature = draft.signature.strip()
    letter.postscript = draft.postscript
    letter.postscript_html = render_markdown(draft.postscript)


def start_letter(author: User, draft: LetterDraft, in_reply_to: Letter | None = None) -> Letter:
    """A new draft, placed in its parent's correspondence when it is a reply."""
    if in_reply_to is not None:
        ensure_can_be_answered(in_reply_to)
    letter = Letter(author_id=author.id, status=LetterStatus.DRAFT)
    apply_draft(letter, draft)
    if in_reply_to is not None:
        letter.in_reply_to_id = in_reply_to.id
        letter.thread_root_id = in_reply_to.thread_root_id
    store_with_unique_slug(letter)
    if letter.thread_root_id is None:
        letter.thread_root_id = letter.id
    return letter


def save_letter(
    author: User,
    draft: LetterDraft,
    publish: bool,
    letter: Letter | None = None,
    in_reply_to: Letter | None = None,
    published_at: datetime | None = None,
) -> Letter:
    """Create or update a letter from the write form, publishing it if asked.

    A letter published with a date of its own (the demo's, an import's) is history: it goes
    in without telling anyone.
    """
    was_public = letter is not None and letter.status != LetterStatus.DRAFT
    created = letter is None
    letter = write_draft_onto(author, draft, letter, in_reply_to)
    newly_published = publish and letter.status == LetterStatus.DRAFT
    if newly_published:
        publish_letter(letter, published_at)
    letter_saved.send(letter, draft=draft, created=created)
    db.session.flush()
    if newly_published:
        letter_published.send(letter, announce=published_at is None)
    elif was_public:
        letter_edited.send(letter)
    return letter


def write_draft_onto(
    author: User, draft: LetterDraft, letter: Letter | None, in_reply_to: Letter | None
) -> Letter:
    """A new letter, a draft changed, or a published letter revised."""
    if letter is None:
        return start_letter(author, draft, in_reply_to)
    if letter.status == LetterStatus.DRAFT:
        apply_draft(letter, draft)
        store_with_unique_slug(letter)
    else:
        revise_published_letter(letter, draft)
    return letter


def publish_letter(letter: Letter, published_at: datetime | None = None) -> None:
    """Make a draft public; its slug is fixed from now on."""
    if letter.in_reply_to_id is not None:
        parent = db.session.get(Letter, letter.in_reply_to_id)
        if parent is not None:
            ensure_can_be_answered(parent)
    letter.status = LetterStatus.PUBLISHED
    letter.published_at = published_at or utc_now()


def publish_draft(letter: Letter) -> None:
    """Publish a draft as it was saved, from its own page."""
    if letter.status != LetterStatus.DRAFT:
        raise LetterError(_l("Only a draft can be published."))
    publish_letter(letter)
    db.session.flush()
    letter_published.send(letter, announce=True)


def ensure_can_be_answered(parent: Letter) -> None:
    """Only published letters take replies."""
    if parent.status != LetterStatus.PUBLISHED:
        raise LetterError(_l("Only a published letter can be answered."))


def revise_published_letter(letter: Letter, draft: LetterDraft) -> None:
    """Keep the current text as a revision, then apply the edit (addressee and slug stay)."""
    if letter.status not in (LetterStatus.PUBLISHED, LetterStatus.HIDDEN):
        raise LetterError(_l("A withdrawn letter can no longer be edited."))
    previous = {name: getattr(letter, name) for name in REVISED_FIELDS}
    draft.addressee = letter.addressee if letter.addressee_id else None
    draft.addressee_name = letter.addressee_name
    apply_draft(letter, draft)
    if all(previous[name] == getattr(letter, name) for name in REVISED_FIELDS):
        return
    db.session.add(
        Revision(
            letter_id=letter.id,
            valid_from=letter.edited_at or letter.published_at or letter.created_at,
            **previous,
        )
    )
    letter.edited_at = utc_now()


def withdraw_letter(letter: Letter) -> None:
    """The author takes a published letter back; its replies stay readable."""
    if letter.status != LetterStatus.PUBLISHED:
        raise LetterError(_l("Only a published letter can be withdrawn."))
    letter.status = LetterStatus.WITHDRAWN
    letter.withdrawn_at = utc_now()
    letter_withdrawn.send(letter)


def restore_withdrawn(letter: Letter) -> None:
    """The author takes a withdrawal back: the letter is public again at its address."""
    if letter.status != LetterStatus.WITHDRAWN:
        raise LetterError(_l("Only a withdrawn letter can be restored."))
    letter.status = LetterStatus.PUBLISHED
    letter.withdrawn_at = None
    letter_restored.send(letter)


def set_hidden(letter: Letter, hidden: bool) -> None:
    """An admin hides a letter from readers, or shows it again."""
    if hidden and letter.status == LetterStatus.PUBLISHED:
        letter.status = LetterStatus.HIDDEN
        letter_hidden.send(letter)
    elif not hidden and letter.status == LetterStatus.HIDDEN:
        letter.status = LetterStatus.PUBLISHED
        letter_restored.send(letter)
    else:
        raise LetterError(_l("Only a published letter can be hidden, and only a hidden one shown."))


def delete_draft(letter: Letter) -> None:
    """Throw a draft away; published letters are withdrawn, never deleted."""
    if letter.status != LetterStatus.DRAFT:
        raise LetterError(_l("Only a draft can be deleted."))
    db.session.delete(letter)
