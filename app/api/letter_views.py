"""Reading letters and correspondences, as the letter and thread pages show them."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Select

from app.accounts.models import User
from app.accounts.service import user_by_handle
from app.api import bp
from app.api.access import also_answers, read_page, reading
from app.api.inputs import LetterListArgs, PageArgs
from app.api.letter_schemas import LetterDetailSchema, LetterPageSchema
from app.api.list_schemas import CorrespondencePageSchema, CorrespondenceSchema
from app.api.paging import page_answer, page_of_query
from app.api.represent import letter_in_detail, letter_summary, letter_text, letters_in_full
from app.discovery.correspondences import correspondences_of, latest_letters_of_correspondences
from app.discovery.service import letters_tagged
from app.letters.models import Letter, LetterStatus
from app.letters.queries import (
    ThreadEntry,
    can_read,
    letter_by_slug,
    published_letters,
    thread_letters_in_reading_order,
    thread_title,
)
from app.links.service import public_tag_by_slug
from app.web import absolute_url

TAGS = ["Letters"]


def viewer() -> User | None:
    """The colleague whose token the request carries (nobody without one)."""
    return current_user if current_user.is_authenticated else None


def colleague_or_404(handle: str) -> User:
    user = user_by_handle(handle)
    if user is None:
        abort(404, description=_("There is no colleague @%(handle)s.", handle=handle))
    return user


def letters_asked_for(args: dict[str, Any]) -> Select:
    """Published letters, newest first, of a tag, an author and an addressee if asked."""
    query = published_letters()
    if "tag" in args:
        tag = public_tag_by_slug(args["tag"])
        if tag is None:
            abort(404, description=_("No published letter has this tag."))
        query = letters_tagged(tag)
    if "author" in args:
        query = query.where(Letter.author_id == colleague_or_404(args["author"]).id)
    if "addressee" in args:
        query = query.where(Letter.addressee_id == colleague_or_404(args["addressee"]).id)
    return query


@bp.route("/letters", tags=TAGS)
@read_page(LetterListArgs, LetterPageSchema)
def letters(args: dict[str, Any]) -> Any:
    """Published letters, newest first."""
    paged = page_of_query(letters_asked_for(args), args)
    return page_answer(paged, letters_in_full(paged.items))


def readable_letter_or_404(slug: str) -> Letter:
    """The letter if this reader may see it: drafts and hidden letters only their author."""
    letter = letter_by_slug(slug)
    if letter is None or not can_read(letter, viewer()):
        abort(404, description=_("There is no letter here, or none you may see."))
    return letter


@bp.route("/letters/<slug:slug>", tags=TAGS)
@reading
@also_answers(410)
@bp.response(200, LetterDetailSchema)
def letter(slug: str) -> dict[str, Any]:
    """One letter with its text, tags, links, answers and correspondence."""
    found = readable_letter_or_404(slug)
    if found.status == LetterStatus.WITHDRAWN:
        abort(410, description=_("This letter was withdrawn by its author."))
    return letter_in_detail(found)


@bp.route("/correspondences", tags=["Correspondences"])
@read_page(PageArgs, CorrespondencePageSchema)
def correspondences(args: dict[str, Any]) -> Any:
    """Correspondences, latest activity first, each under its latest letter."""
    paged = page_of_query(latest_letters_of_correspondences(), args)
    items = [
        {
            "slug": card.latest.thread_root.slug,
            "title": card.title,
            "size": card.size,
            "people": card.people,
            "latest": letter_summary(card.latest),
            "url": absolute_url("api.correspondence", slug=card.latest.thread_root.slug),
            "permalink": absolute_url("letters.thread", slug=card.latest.thread_root.slug),
        }
        for card in correspondences_of(paged.items)
    ]
    return page_answer(paged, items)


@bp.route("/correspondences/<slug:slug>", tags=["Correspondences"])
@reading
@also_answers(410)
@bp.response(200, CorrespondenceSchema)
def correspondence(slug: str) -> dict[str, Any]:
    """A whole correspondence in reading order: each letter after the one it answers."""
    root = letter_by_slug(slug)
    if root is None or not root.opens_a_correspondence:
        abort(404, description=_("No correspondence begins with this letter."))
    entries = thread_letters_in_reading_order(root)
    if not any(entry.letter.is_published for entry in entries):
        # A withdrawn first letter leaves its correspondence readable only if answers remain.
        if root.status == LetterStatus.WITHDRAWN:
            abort(410, description=_("This correspondence was withdrawn."))
        abort(404, description=_("No letter of this correspondence is published."))
    return {
        "slug": root.slug,
        "title": thread_title(root),
        "size": sum(1 for entry in entries if entry.letter.is_published),
        "url": absolute_url("api.correspondence", slug=root.slug),
        "permalink": absolute_url("letters.thread", slug=root.slug),
        "letters": thread_entries(entries),
    }


def thread_entries(entries: list[ThreadEntry]) -> list[dict[str, Any]]:
    """Each place of the correspondence, shown as its page shows it, with its parent's index."""
    position = {entry.letter.id: index for index, entry in enumerate(entries)}
    shown = []
    for entry in entries:
        letter = entry.letter
        visible = letter.is_published or (
            letter.status == LetterStatus.HIDDEN and can_read(letter, viewer())
        )
        withdrawn = letter.status == LetterStatus.WITHDRAWN
        parent = None if entry.depth == 0 else position.get(letter.in_reply_to_id or 0)
        shown.append(
            {
                "depth": entry.depth,
                "parent": parent,
                "letter": letter_text(letter) if visible else None,
                "placeholder": None if visible else ("withdrawn" if withdrawn else "unavailable"),
                "withdrawn_by": letter.author.display_name if withdrawn and not visible else None,
            }
        )
    return shown
