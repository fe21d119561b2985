"""The write form: every field a writer sees, and nothing more."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.accounts.models import User
from app.forms import Form, single_line
from app.letters.models import Language
from app.letters.related import LinkError, parse_related
from app.text.markdown import markup_problem

OUTSIDE = ""
# Names the text this browser keeps while the writer types (static/js/unsaved.js).
TYPING_ID = re.compile(r"[A-Za-z0-9_-]{8,40}")


def typing_id_or_none(value: str | None) -> str | None:
    """Anything but an id the page's script made is ignored, not refused: it is not shown."""
    return value if value and TYPING_ID.fullmatch(value) else None


def refuse_costly_markup(field: TextAreaField) -> None:
    """A field message when the text's Markdown is past the rendering budgets."""
    problem = markup_problem(field.data or "")
    if problem is not None:
        raise ValidationError(str(problem))


class LetterForm(Form):
    # Each colleague's greeting name and German greeting, for the salutation suggestions.
    greetings: dict[str, dict[str, str]]

    addressee = SelectField(_l("To a colleague"), choices=[], validate_choice=True)
    addressee_name = StringField(
        _l("…or to someone outside (name)"),
        validators=[Optional(), Length(max=100)],
        filters=[single_line],
    )
    language = SelectField(
        _l("Language of the letter"),
        choices=[
            SelectChoice(Language.DE.value, "Deutsch"),
            SelectChoice(Language.EN.value, "English"),
        ],
    )
    title = StringField(
        _l("Title"), validators=[DataRequired(), Length(max=200)], filters=[single_line]
    )
    salutation = StringField(
        _l("Salutation"), validators=[Optional(), Length(max=200)], filters=[single_line]
    )
    body = TextAreaField(_l("Letter (Markdown)"), validators=[DataRequired(), Length(max=100_000)])
    closing = StringField(
        _l("Closing"), validators=[Optional(), Length(max=100)], filters=[single_line]
    )
    signature = StringField(
        _l("Signature"), validators=[DataRequired(), Length(max=100)], filters=[single_line]
    )
    postscript = TextAreaField(_l("P.S. (Markdown)"), validators=[Optional(), Length(max=20_000)])
    tags = StringField(
        _l("Tags (comma-separated; the first is the category)"),
        validators=[Optional(), Length(max=300)],
        filters=[single_line],
    )
    related = TextAreaField(
        _l("Related discussions (one per line)"), validators=[Optional(), Length(max=20_000)]
    )
    typing_id = HiddenField(filters=[typing_id_or_none])
    preview = SubmitField(_l("Preview"))
    save = SubmitField(_l("Save draft"))
    publish = SubmitField(_l("Publish"))

    def set_colleagues(self, colleagues: list[User]) -> None:
        """Offer every colleague as an addressee, plus "someone outside", with their greetings."""
        outside = SelectChoice(OUTSIDE, str(_l("— someone outside —")))
        choices = [SelectChoice(person.handle, person.display_name) for person in colleagues]
        self.addressee.choices = [outside, *choices]
        self.greetings = {
            person.handle: {"name": person.greeting_name, "de": person.greeting_de}
            for person in colleagues
        }

    def validate_addressee_name(self, field: StringField) -> None:
        if self.addressee.data == OUTSIDE and not (field.data or "").strip():
            raise ValidationError(_l("Choose a colleague or write the name of the addressee."))
        if self.addressee.data != OUTSIDE and (field.data or "").strip():
            raise ValidationError(_l("Either a colleague or an outside name, not both."))

    def validate_body(self, field: TextAreaField) -> None:
        """Refuse Markdown that would take too long to render (thousands of table rows …)."""
        refuse_costly_markup(field)

    def validate_postscript(self, field: TextAreaField) -> None:
        refuse_costly_markup(field)

    def validate_related(self, field: TextAreaField) -> None:
        try:
            parse_related(field.data or "")
        except LinkError as error:
            raise ValidationError(str(error)) from error

    @property
    def wants_preview(self) -> bool:
        return bool(self.preview.data)

    @property
    def wants_publish(self) -> bool:
        return bool(self.publish.data)
