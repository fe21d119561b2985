"""Writing, publishing and reading letters and correspondences."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.database import utc_now
from app.discovery.search import index_letter
from app.extensions import db
from app.letters.models import Language, Letter, LetterStatus, Revision
from app.letters.rendering import plain_excerpt, render_markdown
from app.letters.slugs import slugify
from app.links.service import RelatedInput, set_links, set_tags
from app.links.suggestions import refresh_suggestions
from app.notifications.service import record_letter_published

# Addresses under /letters/ that are pages of their own, never a letter's slug.
RESERVED_SLUGS = frozenset({"new", "suggest"})


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
    base = slugify(title)
    pattern = f"{base}-%"
    taken = set(
        db.session.scalars(
            select(Letter.slug).where(
                (Letter.slug == base) | Letter.slug.like(pattern),
                Letter.id != (letter_id or 0),
            )
        )
    )
    taken |= RESERVED_SLUGS
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


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


def suggested_salutation(addressee: User | None, addressee_name: str, language: Language) -> str:
    """The greeting a letter starts with, from the addressee's own preference."""
    name = addressee.greeting_name if addressee else addressee_name.strip()
    if language == Language.DE:
        greeting = addressee.greeting_de if addressee else "Hallo"
        return f"{greeting} {name},".strip() if name else "Hallo,"
    return f"Dear {name}," if name else "Dear colleague,"


GREETINGS = {
    Language.DE: ("Liebe", "Lieber", "Hallo", "Guten Tag"),
    Language.EN: ("Dear", "Hello", "Hi"),
}


def salutation_choices(name: str, language: Language) -> list[str]:
    """Greetings offered for a name; the writer picks one (a gender is never guessed)."""
    name = name.strip()
    return [f"{greeting} {name}," for greeting in GREETINGS[language]] if name else []


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
    """Create or update a letter from the write form, publishing it if asked; commits.

    A letter published with a date of its own (the demo's, an import's) is history: it goes
    in without telling anyone.
    """
    if letter is None:
        letter = start_letter(author, draft, in_reply_to)
    elif letter.status == LetterStatus.DRAFT:
        apply_draft(letter, draft)
        store_with_unique_slug(letter)
    else:
        revise_published_letter(letter, draft)
    if publish and letter.status == LetterStatus.DRAFT:
        publish_letter(letter, published_at)
    set_tags(letter, draft.tags)
    set_links(letter, draft.related)
    index_letter(letter)
    db.session.flush()
    refresh_suggestions(letter)
    db.session.commit()
    return letter


def publish_letter(letter: Letter, published_at: datetime | None = None) -> None:
    """Make a draft public; its slug is fixed from now on."""
    if letter.in_reply_to_id is not None:
        parent = db.session.get(Letter, letter.in_reply_to_id)
        if parent is not None:
            ensure_can_be_answered(parent)
    letter.status = LetterStatus.PUBLISHED
    letter.published_at = published_at or utc_now()
    if published_at is None:
        # Same transaction as the letter: no notice without the letter, nor a letter without.
        record_letter_published(letter)


def ensure_can_be_answered(parent: Letter) -> None:
    """Only published letters take replies."""
    if parent.status != LetterStatus.PUBLISHED:
        raise LetterError(_l("Only a published letter can be answered."))


def revise_published_letter(letter: Letter, draft: LetterDraft) -> None:
    """Keep the current text as a revision, then apply the edit (addressee and slug stay)."""
    if letter.status not in (LetterStatus.PUBLISHED, LetterStatus.HIDDEN):
        raise LetterError(_l("A withdrawn letter can no longer be edited."))
    text_fields = ("title", "salutation", "body", "closing", "signature", "postscript")
    previous = {name: getattr(letter, name) for name in text_fields}
    draft.addressee = letter.addressee if letter.addressee_id else None
    draft.addressee_name = letter.addressee_name
    apply_draft(letter, draft)
    if all(previous[name] == getattr(letter, name) for name in text_fields):
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
    """The author takes a published letter back; its replies stay readable. Commits."""
    if letter.status != LetterStatus.PUBLISHED:
        raise LetterError(_l("Only a published letter can be withdrawn."))
    letter.status = LetterStatus.WITHDRAWN
    letter.withdrawn_at = utc_now()
    index_letter(letter)
    db.session.commit()


def set_hidden(letter: Letter, hidden: bool) -> None:
    """An admin hides a letter from readers, or shows it again. Commits."""
    if hidden and letter.status == LetterStatus.PUBLISHED:
        letter.status = LetterStatus.HIDDEN
    elif not hidden and letter.status == LetterStatus.HIDDEN:
        letter.status = LetterStatus.PUBLISHED
    else:
        raise LetterError(_l("Only a published letter can be hidden, and only a hidden one shown."))
    index_letter(letter)
    db.session.commit()


def delete_draft(letter: Letter) -> None:
    """Throw a draft away; published letters are withdrawn, never deleted. Commits."""
    if letter.status != LetterStatus.DRAFT:
        raise LetterError(_l("Only a draft can be deleted."))
    db.session.delete(letter)
    db.session.commit()


def with_people(query: Select) -> Select:
    """Load author, addressee, the parent (with its author) and the thread's root.

    Of the parent and the root only what a page shows is loaded, not their whole text.
    """
    return query.options(
        joinedload(Letter.author),
        joinedload(Letter.addressee),
        joinedload(Letter.in_reply_to)
        .load_only(Letter.slug, Letter.title, Letter.status, Letter.author_id)
        .joinedload(Letter.author),
        joinedload(Letter.thread_root).load_only(Letter.slug, Letter.title),
    )


# Statements run on every letter page, built once (bound parameters fill them in).
LETTER_BY_SLUG = with_people(select(Letter).where(Letter.slug == bindparam("slug")))
REPLIES_TO = (
    select(Letter.slug, Letter.title, Letter.status, Letter.published_at, User.display_name)
    .join(User, User.id == Letter.author_id)
    .where(Letter.in_reply_to_id == bindparam("letter_id"), Letter.status != LetterStatus.DRAFT)
    .order_by(Letter.published_at, Letter.id)
)
THREAD_SIZE = select(func.count()).where(
    Letter.thread_root_id == bindparam("root_id"), Letter.status == LetterStatus.PUBLISHED
)


def letter_by_slug(slug: str) -> Letter | None:
    """A letter with the people it names, in any status."""
    return db.session.scalars(LETTER_BY_SLUG, {"slug": slug}).unique().first()


def thread_size(root_id: int | None) -> int:
    """How many published letters a correspondence has."""
    return db.session.scalar(THREAD_SIZE, {"root_id": root_id}) or 0


def thread_title(root: Letter) -> str | None:
    """A correspondence's title for readers: its first letter's, while that one is published."""
    return root.title if root.is_published else None


def can_read(letter: Letter, viewer: User | None) -> bool:
    """Drafts and hidden letters are for their author (and admins) only."""
    if letter.status in (LetterStatus.PUBLISHED, LetterStatus.WITHDRAWN):
        return True
    if viewer is None:
        return False
    if letter.status == LetterStatus.HIDDEN and viewer.is_admin:
        return True
    return letter.author_id == viewer.id


@dataclass(frozen=True)
class Reply:
    """An answer as the answered letter lists it."""

    slug: str
    title: str
    status: LetterStatus
    published_at: datetime | None
    author: str

    @property
    def is_published(self) -> bool:
        return self.status == LetterStatus.PUBLISHED


def replies_to(letter: Letter) -> list[Reply]:
    """The letters that answer this one, oldest first (withdrawn ones as placeholders)."""
    return [Reply(*row) for row in db.session.execute(REPLIES_TO, {"letter_id": letter.id})]


def published_letters() -> Select:
    """Published letters, newest first, ready to paginate."""
    return with_people(
        select(Letter)
        .where(Letter.status == LetterStatus.PUBLISHED)
        .order_by(Letter.published_at.desc(), Letter.id.desc())
    )


def thread_sizes(root_ids: set[int]) -> dict[int, int]:
    """How many published letters each correspondence has, in one query."""
    if not root_ids:
        return {}
    rows = db.session.execute(
        select(Letter.thread_root_id, func.count())
        .where(Letter.thread_root_id.in_(root_ids), Letter.status == LetterStatus.PUBLISHED)
        .group_by(Letter.thread_root_id)
    )
    return {root_id: count for root_id, count in rows}


@dataclass
class ThreadEntry:
    letter: Letter
    depth: int


def thread_letters_in_reading_order(root: Letter) -> list[ThreadEntry]:
    """The whole correspondence, depth first, each reply after the letter it answers."""
    letters = list(
        db.session.scalars(
            with_people(
                select(Letter)
                .where(Letter.thread_root_id == root.id, Letter.status != LetterStatus.DRAFT)
                .order_by(Letter.published_at, Letter.id)
            )
        ).unique()
    )
    children: dict[int | None, list[Letter]] = {}
    for letter in letters:
        parent_id = None if letter.id == root.id else letter.in_reply_to_id
        children.setdefault(parent_id, []).append(letter)
    ordered: list[ThreadEntry] = []
    stack = [(letter, 0) for letter in reversed(children.get(None, []))]
    while stack:
        letter, depth = stack.pop()
        ordered.append(ThreadEntry(letter, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(letter.id, [])))
    return ordered


def revisions_of(letter: Letter) -> list[Revision]:
    """Earlier texts of a letter, newest first."""
    return list(db.session.scalars(letter.revisions.select().order_by(Revision.id.desc())))


def letters_written_by(user: User) -> Select:
    """A colleague's published letters, newest first."""
    return published_letters().where(Letter.author_id == user.id)


def letters_received_by(user: User) -> Select:
    """Published letters addressed to a colleague, newest first."""
    return published_letters().where(Letter.addressee_id == user.id)


def drafts_of(user: User) -> list[Letter]:
    """An author's unpublished drafts, most recent first."""
    query = with_people(
        select(Letter)
        .where(Letter.author_id == user.id, Letter.status == LetterStatus.DRAFT)
        .order_by(Letter.created_at.desc())
    )
    return list(db.session.scalars(query).unique())
