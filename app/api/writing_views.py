"""Writing through the API: drafts, changes, answers and publishing, with a write token.

Each view calls the letters service once, as the write page does; the request commits once
at its end, with everything the letter signals set going (tags, links, search, notices).
"""

from __future__ import annotations

from typing import Any

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.models import User
from app.api import bp
from app.api.access import also_answers, writing
from app.api.drafts import answer, changed_letter, new_letter
from app.api.inputs import AnswerSchema, LetterChangesSchema, NewLetterSchema
from app.api.letter_schemas import LetterDetailSchema
from app.api.letter_views import readable_letter_or_404
from app.api.represent import letter_in_detail
from app.letters.models import Letter, LetterStatus
from app.letters.queries import letter_by_slug
from app.letters.service import LetterError, publish_draft, save_letter
from app.web import absolute_url

TAGS = ["Writing"]


def writer() -> User:
    """The colleague whose write token the request carries (`writing` made sure of one)."""
    return current_user._get_current_object()


def own_letter_or_404(slug: str) -> Letter:
    """A letter of the token's colleague: others get 404 for drafts, 403 otherwise."""
    letter = readable_letter_or_404(slug)
    if letter.author_id != writer().id:
        abort(403, description=_("Only its author can change or publish a letter."))
    return letter


def saved(letter: Letter, status: int = 200) -> tuple[dict[str, Any], int, dict[str, str]]:
    """The letter as saved, read again with the people it names, and its address."""
    shown = letter_by_slug(letter.slug) or letter
    url = absolute_url("api.letter", slug=letter.slug)
    return letter_in_detail(shown), status, {"Location": url} if status == 201 else {}


def save_or_409(**arguments: Any) -> Letter:
    """Save through the letters service; what it refuses is a conflict with the letter's state."""
    try:
        return save_letter(writer(), publish=False, **arguments)
    except LetterError as error:
        abort(409, description=str(error))


@bp.route("/letters", methods=["POST"], tags=TAGS)
@writing
@bp.arguments(NewLetterSchema)
@bp.response(201, LetterDetailSchema, headers={"Location": {"schema": {"type": "string"}}})
def create_letter(data: dict[str, Any]) -> Any:
    """Write a new letter, as a draft (publish it with /publish)."""
    return saved(save_or_409(draft=new_letter(writer(), data)), 201)


@bp.route("/letters/<slug:slug>", methods=["PATCH"], tags=TAGS)
@writing
@also_answers(409)
@bp.arguments(LetterChangesSchema)
@bp.response(200, LetterDetailSchema)
def change_letter(data: dict[str, Any], slug: str) -> Any:
    """Change a draft, or a published letter (which keeps its earlier text as a revision)."""
    letter = own_letter_or_404(slug)
    return saved(save_or_409(draft=changed_letter(letter, data), letter=letter))


@bp.route("/letters/<slug:slug>/publish", methods=["POST"], tags=TAGS)
@writing
@also_answers(409)
@bp.response(200, LetterDetailSchema)
def publish(slug: str) -> Any:
    """Publish a draft as it was saved: readers and subscribers are told, as on the site."""
    letter = own_letter_or_404(slug)
    if not writer().confirmed_at:
        abort(403, description=_("Please confirm your email address before you publish."))
    try:
        publish_draft(letter)
    except LetterError as error:
        abort(409, description=str(error))
    return saved(letter)


@bp.route("/letters/<slug:slug>/replies", methods=["POST"], tags=TAGS)
@writing
@also_answers(409, 410)
@bp.arguments(AnswerSchema)
@bp.response(201, LetterDetailSchema, headers={"Location": {"schema": {"type": "string"}}})
def answer_letter(data: dict[str, Any], slug: str) -> Any:
    """Answer a published letter with a letter to its author, as a draft."""
    parent = readable_letter_or_404(slug)
    if parent.status == LetterStatus.WITHDRAWN:
        abort(410, description=_("This letter was withdrawn and cannot be answered."))
    if parent.status != LetterStatus.PUBLISHED:
        abort(404, description=_("There is no letter here, or none you may see."))
    draft = answer(writer(), parent, data)
    return saved(save_or_409(draft=draft, in_reply_to=parent), 201)
