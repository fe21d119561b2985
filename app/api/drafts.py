"""Letters written through the API: filled in as the write page fills its form, checked by that
very form, and saved by the letters service, so that the web and the API cannot differ."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_smorest import abort
from werkzeug.datastructures import MultiDict

from app.accounts.models import User
from app.accounts.service import user_by_handle
from app.letters.events import letter_form_filled, values_from
from app.letters.forms import OUTSIDE, LetterForm
from app.letters.models import Language, Letter, LetterStatus
from app.letters.salutations import reply_addressee, reply_title
from app.letters.service import LetterDraft
from app.letters.write_page import blank_form, draft_from, prepared_form

# The write form's fields that a letter sent to the API fills.
LETTER_FIELDS = (
    "title", "salutation", "body", "closing", "signature", "postscript", "language",
    "addressee", "addressee_name", "tags", "related",
)  # fmt: skip


def as_form_text(data: dict[str, Any]) -> dict[str, str]:
    """The JSON fields as the write form's fields hold them (tags and links as lines of text)."""
    values: dict[str, str] = {}
    for name, value in data.items():
        if name == "tags":
            values[name] = ", ".join(value)
        elif name == "related":
            values[name] = "\n".join(value)
        elif name == "addressee":
            values[name] = value or OUTSIDE
        else:
            values[name] = value
    if data.get("addressee") and "addressee_name" not in data:
        values["addressee_name"] = ""  # to a colleague now, no longer to someone outside
    return values


def checked_draft(values: dict[str, str]) -> LetterDraft:
    """The letter these values make, checked by the write form (422 with its messages)."""
    formdata = MultiDict({name: values.get(name, "") for name in LETTER_FIELDS})
    form = prepared_form(LetterForm(formdata=formdata, meta={"csrf": False}))
    if not form.validate():
        fields = {
            name: [str(message) for message in messages] for name, messages in form.errors.items()
        }
        abort(422, message=_("Some fields are not valid: see fields."), fields=fields)
    return draft_from(form)


def language_asked(data: dict[str, Any], fallback: Language) -> Language:
    return Language(data["language"]) if data.get("language") else fallback


def new_letter(author: User, data: dict[str, Any]) -> LetterDraft:
    """A new letter: what was sent, else what the write page suggests."""
    language = language_asked(data, Language.DE if author.locale == "de" else Language.EN)
    addressee = user_by_handle(data["addressee"]) if data.get("addressee") else None
    defaults = blank_form(addressee, language).data
    return checked_draft(form_text(defaults) | as_form_text(data))


def answer(author: User, parent: Letter, data: dict[str, Any]) -> LetterDraft:
    """An answer: what was sent, else what the answer page suggests for this letter."""
    addressee, addressee_name = reply_addressee(parent, author)
    language = language_asked(data, parent.language)
    defaults = form_text(blank_form(addressee, language, reply_title(parent)).data)
    defaults["addressee_name"] = addressee_name
    # The answered letter's tags, as the answer page suggests them.
    defaults["tags"] = values_from(letter_form_filled, parent).get("tags", "")
    return checked_draft(defaults | as_form_text(data))


def changed_letter(letter: Letter, data: dict[str, Any]) -> LetterDraft:
    """A letter's fields with the ones sent changed; a published letter keeps its addressee."""
    current = {name: getattr(letter, name) for name in LETTER_FIELDS[:6]}
    current |= {
        "language": letter.language.value,
        "addressee": letter.addressee.handle if letter.addressee_id else OUTSIDE,
        "addressee_name": letter.addressee_name,
        **values_from(letter_form_filled, letter),
    }
    values = current | as_form_text(data)
    if letter.status != LetterStatus.DRAFT:
        values["addressee"], values["addressee_name"] = current["addressee"], letter.addressee_name
    return checked_draft(values)


def form_text(data: dict[str, Any]) -> dict[str, str]:
    """A form's data as text, for the fields a letter fills."""
    return {name: data[name] or "" for name in LETTER_FIELDS if name in data}
