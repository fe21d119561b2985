"""The write page that new letters, edits and answers share: its form, preview, saving,
and who would be told on publishing."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.accounts.models import User
from app.accounts.service import colleagues, user_by_handle
from app.database import utc_now
from app.extensions import db
from app.letters.events import (
    PlannedLetter,
    letter_audience_asked,
    letter_preview_asked,
    values_from,
)
from app.letters.forms import OUTSIDE, LetterForm, typing_id_or_none
from app.letters.models import Language, Letter, LetterStatus
from app.letters.related import parse_related, parse_tags
from app.letters.salutations import (
    closing_for,
    closings_for,
    salutation_choices,
    suggested_salutation,
)
from app.letters.service import (
    REVISED_FIELDS,
    LetterDraft,
    LetterError,
    apply_draft,
    save_letter,
)

SAVED_TYPING_COOKIE = "saved_typing"
SAVED_TYPING_KEPT = 10


def blank_form(
    addressee: User | None, language: Language, title: str = "", addressee_name: str = ""
) -> LetterForm:
    """A write form pre-filled from the addressee's and the author's preferences.

    Never from what the request sent (formdata=None): the API asks for these suggestions
    while it handles a POST of its own.
    """
    return LetterForm(
        formdata=None,
        addressee=addressee.handle if addressee else OUTSIDE,
        addressee_name=addressee_name,
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
    preview: dict[str, Any] = {}
    status = 200
    if form.is_submitted():
        if not form.validate():
            status = 422
        elif form.wants_preview:
            preview = {
                "preview": letter_preview(form, letter, parent),
                **values_from(letter_preview_asked, planned_letter(form, letter, parent)),
            }
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
        **preview,
        salutations=salutations_for(form),
        closings=closings_for(current_user),
        saved_typing=saved_typing_ids(),
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
    response = redirect(url_for("letters.show", slug=saved.slug))
    return remember_saved_typing(response, form.typing_id.data)


def saved_typing_ids() -> list[str]:
    """Texts the server has saved, which this browser may stop keeping (see unsaved.js)."""
    ids = request.cookies.get(SAVED_TYPING_COOKIE, "").split(".")
    return [typing_id for typing_id in ids if typing_id_or_none(typing_id)]


def remember_saved_typing(response: Response, typing_id: str | None) -> Response:
    """Tell the next write page that the text kept under this id is saved.

    A cookie of its own, not the session: signing out clears the session, and the kept copy
    of a published letter would then come back as if it had never been sent.
    """
    if typing_id:
        ids = [*saved_typing_ids()[-(SAVED_TYPING_KEPT - 1) :], typing_id]
        response.set_cookie(
            SAVED_TYPING_COOKIE,
            ".".join(ids),
            max_age=30 * 86400,
            samesite="Lax",
            httponly=True,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response


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


def letter_preview(form: LetterForm, letter: Letter | None, parent: Letter | None) -> Letter:
    """The letter as saving would make it, never stored: the page shows it as readers will."""
    draft = draft_from(form)
    preview = Letter(status=LetterStatus.DRAFT)
    apply_draft(preview, draft)
    preview.author = db.session.get(User, current_user.id)
    preview.addressee = draft.addressee
    parent = parent or (letter.in_reply_to if letter is not None else None)
    if parent is not None:
        preview.in_reply_to_id, preview.in_reply_to = parent.id, parent
    if letter is not None:
        preview.slug, preview.published_at = letter.slug, letter.published_at
        preview.edited_at = letter.edited_at
        if letter.published_at and any(
            getattr(preview, name) != getattr(letter, name) for name in REVISED_FIELDS
        ):
            preview.edited_at = utc_now()  # saving it will say "updated on" today
    return preview


def planned_letter(form: LetterForm, letter: Letter | None, parent: Letter | None) -> PlannedLetter:
    """The letter the form describes, for the features that tell and tag."""
    addressee = user_by_handle(form.addressee.data) if form.addressee.data else None
    if parent is not None:
        thread_root_id = parent.thread_root_id
    elif letter is not None and letter.thread_root_id != letter.id:
        thread_root_id = letter.thread_root_id
    else:
        thread_root_id = None
    return PlannedLetter(
        author_id=current_user.id,
        addressee_id=addressee.id if addressee else None,
        thread_root_id=thread_root_id,
        tags=tuple(parse_tags(form.tags.data or "")),
        in_reply_to_id=parent.id if parent else (letter.in_reply_to_id if letter else None),
    )


def audience_of(form: LetterForm, letter: Letter | None, parent: Letter | None) -> dict[str, Any]:
    """Who would be told on publishing (asked of the features that tell them)."""
    if letter is not None and letter.status != LetterStatus.DRAFT:
        return {}
    return values_from(letter_audience_asked, planned_letter(form, letter, parent))
