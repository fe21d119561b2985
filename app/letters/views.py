"""Letter pages: write, edit, answer, read, withdraw, and the whole correspondence."""

from __future__ import annotations

from typing import TypeVar

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.models import User
from app.accounts.service import user_by_handle
from app.forms import ConfirmForm
from app.letters import bp
from app.letters.events import (
    letter_form_filled,
    letter_page_viewed,
    thread_page_shown,
    values_from,
)
from app.letters.forms import OUTSIDE, LetterForm
from app.letters.history import edits_of
from app.letters.models import Language, Letter, LetterStatus
from app.letters.page_parts import letter_page_parts
from app.letters.queries import (
    can_read,
    in_reading_order,
    letter_by_slug,
    thread_size_of,
    thread_title,
)
from app.letters.salutations import reply_addressee, reply_title
from app.letters.shown import ShownLetter, shown_correspondence, shown_letter
from app.letters.write_page import blank_form, handle_write_form, prepared_form
from app.page_cache import shared_page

# Either form of a letter: mapped (to edit or answer) or plain rows (to show).
ReadLetter = TypeVar("ReadLetter", Letter, ShownLetter)


def viewer() -> User | None:
    return current_user if current_user.is_authenticated else None


def readable_or_404(letter: ReadLetter | None) -> ReadLetter:
    """The letter, or 404 if it does not exist or the viewer may not see it."""
    if letter is None or not can_read(letter, viewer()):
        abort(404)
    return letter


def readable_letter_or_404(slug: str) -> Letter:
    """The letter with this slug, or 404 if there is none the viewer may see."""
    return readable_or_404(letter_by_slug(slug))


def own_letter_or_404(slug: str) -> Letter:
    """A letter of the signed-in author; others get 404 for drafts, 403 otherwise."""
    letter = readable_letter_or_404(slug)
    if letter.author_id != current_user.id:
        abort(403)
    return letter


@bp.route("/letters/new", methods=["GET", "POST"])
@login_required
def write():
    """Write a new letter, to a colleague (?to=handle) or to someone outside."""
    if request.method == "POST":
        form = prepared_form(LetterForm())
    else:
        addressee = user_by_handle(request.args.get("to", ""))
        language = Language.DE if current_user.locale == "de" else Language.EN
        form = prepared_form(blank_form(addressee, language))
    return handle_write_form(form)


@bp.route("/letters/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    """Edit a draft, or a published letter (which keeps its earlier text as a revision)."""
    letter = own_letter_or_404(slug)
    if letter.status == LetterStatus.WITHDRAWN:
        abort(410, description=_("This letter was withdrawn and can no longer be edited."))
    form = prepared_form(LetterForm(obj=None if request.method == "POST" else letter))
    if request.method == "GET" or letter.status != LetterStatus.DRAFT:
        # A published letter keeps its addressee; the form shows it but does not send it.
        form.addressee.data = letter.addressee.handle if letter.addressee_id else OUTSIDE
        form.addressee_name.data = letter.addressee_name
    if request.method == "GET":
        form.language.data = letter.language.value
        filled = values_from(letter_form_filled, letter)
        form.tags.data = filled.get("tags", "")
        form.related.data = filled.get("related", "")
    return handle_write_form(form, letter=letter)


@bp.route("/letters/<slug>/reply", methods=["GET", "POST"])
@login_required
def reply(slug: str):
    """Answer a published letter with a letter to its author."""
    parent = readable_letter_or_404(slug)
    if parent.status == LetterStatus.WITHDRAWN:
        abort(410, description=_("This letter was withdrawn and cannot be answered."))
    if parent.status != LetterStatus.PUBLISHED:
        abort(404)
    if request.method == "POST":
        form = prepared_form(LetterForm())
    else:
        addressee, name = reply_addressee(parent, current_user)
        form = prepared_form(blank_form(addressee, parent.language, reply_title(parent), name))
        # The parent's tags, until the writer changes them: a POST keeps what was sent.
        form.tags.data = values_from(letter_form_filled, parent).get("tags", "")
    return handle_write_form(form, parent=parent)


@bp.route("/letters/<slug>")
@shared_page
def show(slug: str):
    """A letter laid out like a letter, with its replies and its place in the thread."""
    letter = readable_or_404(shown_letter(slug))
    if letter.status == LetterStatus.WITHDRAWN:
        answers_remain = thread_size_of(letter) > 0
        return render_template(
            "letters/withdrawn.html", letter=letter, answers_remain=answers_remain
        ), 410
    parts = letter_page_parts(letter)  # first: nothing with a form token is in them
    # Only a draft (for its author) and a hidden letter (for an admin) have buttons here.
    has_buttons = current_user.is_authenticated and not letter.is_published
    return render_template(
        "letters/letter.html",
        letter=letter,
        parts=parts,
        thread_size=parts.thread_size,
        action_form=ConfirmForm() if has_buttons else None,
        **values_from(letter_page_viewed, letter),
    )


@bp.route("/letters/<slug>/history")
def history(slug: str):
    """What each edit of a letter changed, word by word, newest first."""
    letter = readable_letter_or_404(slug)
    if letter.status == LetterStatus.WITHDRAWN:
        abort(410)
    return render_template("letters/history.html", letter=letter, edits=edits_of(letter))


@bp.route("/threads/<slug>")
@shared_page
def thread(slug: str):
    """The whole correspondence on one page, in reading order."""
    root = shown_letter(slug)
    if root is None or not root.opens_a_correspondence:
        abort(404)
    entries = in_reading_order(shown_correspondence(root.id), root.id)
    if not any(entry.letter.is_published for entry in entries):
        # A withdrawn first letter leaves its correspondence readable only if answers remain.
        abort(410 if root.status == LetterStatus.WITHDRAWN else 404)
    return render_template(
        "letters/thread.html",
        root=root,
        title=thread_title(root),
        entries=entries,
        # Counted as every other page counts: the published letters, not their placeholders.
        size=sum(1 for entry in entries if entry.letter.is_published),
        viewer_can_read=lambda letter: can_read(letter, viewer()),
        **values_from(thread_page_shown, root),
    )
