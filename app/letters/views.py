"""Letter pages: write, edit, answer, read, withdraw, and the whole correspondence."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.accounts.models import User
from app.accounts.service import colleagues, user_by_handle
from app.extensions import db
from app.forms import ConfirmForm
from app.letters import bp
from app.letters.events import (
    letter_form_filled,
    letter_page_shown,
    values_from,
)
from app.letters.forms import OUTSIDE, LetterForm
from app.letters.models import Language, Letter, LetterStatus
from app.letters.queries import (
    can_read,
    letter_by_slug,
    replies_to,
    revisions_of,
    thread_letters_in_reading_order,
    thread_size,
    thread_title,
)
from app.letters.related import parse_related, parse_tags
from app.letters.salutations import (
    closing_for,
    closings_for,
    salutation_choices,
    suggested_salutation,
)
from app.letters.service import (
    LetterDraft,
    LetterError,
    save_letter,
)
from app.letters.write_page import audience_of
from app.text.markdown import render_markdown


def viewer() -> User | None:
    return current_user if current_user.is_authenticated else None


def readable_letter_or_404(slug: str) -> Letter:
    """The letter, or 404 if it does not exist or the viewer may not see it."""
    letter = letter_by_slug(slug)
    if letter is None or not can_read(letter, viewer()):
        abort(404)
    return letter


def own_letter_or_404(slug: str) -> Letter:
    """A letter of the signed-in author; others get 404 for drafts, 403 otherwise."""
    letter = readable_letter_or_404(slug)
    if letter.author_id != current_user.id:
        abort(403)
    return letter


def blank_form(addressee: User | None, language: Language, title: str = "") -> LetterForm:
    """A write form pre-filled from the addressee's and the author's preferences."""
    return LetterForm(
        addressee=addressee.handle if addressee else OUTSIDE,
        language=language.value,
        title=title,
        salutation=suggested_salutation(addressee, "", language) if addressee else "",
        closing=closing_for(language, current_user),
        signature=current_user.greeting_name,
    )


def prepared_form(form: LetterForm) -> LetterForm:
    form.set_colleagues([person for person in colleagues() if person.id != current_user.id])
    return form


def draft_from(form: LetterForm) -> LetterDraft:
    addressee = user_by_handle(form.addressee.data) if form.addressee.data else None
    return LetterDraft(
        title=form.title.data or "",
        salutation=form.salutation.data or "",
        body=form.body.data or "",
        closing=form.closing.data or "",
        signature=form.signature.data or "",
        postscript=form.postscript.data or "",
        language=Language(form.language.data),
        addressee=addressee,
        addressee_name=form.addressee_name.data or "",
        tags=parse_tags(form.tags.data or ""),
        related=parse_related(form.related.data or ""),
    )


def handle_write_form(
    form: LetterForm, letter: Letter | None = None, parent: Letter | None = None
) -> Response | tuple[str, int] | str:
    """Preview, save or publish from the write form; re-show it with messages otherwise."""
    preview = None
    status = 200
    if form.is_submitted():
        if not form.validate():
            status = 422
        elif form.wants_preview:
            preview = preview_of(draft_from(form))
        elif form.wants_publish and not current_user.confirmed_at:
            flash(_("Please confirm your email address before you publish."), "error")
            status = 422
        else:
            saved = save_from_form(form, letter, parent)
            if saved is not None:
                return saved
            status = 409
    page = render_template(
        "letters/write.html",
        form=form,
        letter=letter,
        parent=parent,
        preview=preview,
        salutations=salutations_for(form),
        closings=closings_for(current_user),
        **audience_of(form, letter, parent),
    )
    return page, status


def save_from_form(
    form: LetterForm, letter: Letter | None, parent: Letter | None
) -> Response | None:
    """Save or publish, then go to the letter; None (with a message) if it cannot be done."""
    was_public = letter is not None and letter.status != LetterStatus.DRAFT
    try:
        saved = save_letter(
            current_user, draft_from(form), form.wants_publish, letter=letter, in_reply_to=parent
        )
    except LetterError as error:
        db.session.rollback()
        flash(str(error), "error")
        return None
    flash(saved_message(saved, was_public), "success")
    return redirect(url_for("letters.show", slug=saved.slug))


def saved_message(letter: Letter, was_public: bool) -> str:
    """What the writer is told: an edit of a public letter is saved, not published again."""
    if was_public:
        return _("Changes saved.")
    return _("Published.") if letter.is_published else _("Draft saved.")


def salutations_for(form: LetterForm) -> list[str]:
    """Greetings to offer beside the salutation field, for the chosen addressee."""
    person = form.greetings.get(form.addressee.data or "")
    name = person["name"] if person else (form.addressee_name.data or "")
    try:
        language = Language(form.language.data)
    except ValueError:
        language = Language.EN
    return salutation_choices(name, language)


def preview_of(draft: LetterDraft) -> dict[str, str]:
    return {
        "title": draft.title,
        "salutation": draft.salutation
        or suggested_salutation(draft.addressee, draft.addressee_name, draft.language),
        "body_html": render_markdown(draft.body),
        "closing": draft.closing,
        "signature": draft.signature,
        "postscript_html": render_markdown(draft.postscript),
        "language": draft.language.value,
    }


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
        title = parent.title if parent.title.lower().startswith("re:") else f"Re: {parent.title}"
        addressee = parent.author if parent.author_id != current_user.id else parent.addressee
        form = prepared_form(blank_form(addressee, parent.language, title[:200]))
    return handle_write_form(form, parent=parent)


@bp.route("/letters/<slug>")
def show(slug: str):
    """A letter laid out like a letter, with its replies and its place in the thread."""
    letter = readable_letter_or_404(slug)
    if letter.status == LetterStatus.WITHDRAWN:
        answers_remain = thread_size(letter.thread_root_id) > 0
        return render_template(
            "letters/withdrawn.html", letter=letter, answers_remain=answers_remain
        ), 410
    return render_template(
        "letters/letter.html",
        letter=letter,
        replies=replies_to(letter),
        thread_size=thread_size(letter.thread_root_id),
        action_form=ConfirmForm() if current_user.is_authenticated else None,
        **values_from(letter_page_shown, letter),
    )


@bp.route("/letters/<slug>/history")
def history(slug: str):
    """Earlier versions of an edited letter."""
    letter = readable_letter_or_404(slug)
    if letter.status == LetterStatus.WITHDRAWN:
        abort(410)
    return render_template("letters/history.html", letter=letter, revisions=revisions_of(letter))


@bp.route("/threads/<slug>")
def thread(slug: str):
    """The whole correspondence on one page, in reading order."""
    root = letter_by_slug(slug)
    if root is None or not root.opens_a_correspondence:
        abort(404)
    entries = thread_letters_in_reading_order(root)
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
    )
