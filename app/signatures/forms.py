"""The reader's signing form, the colleague's one-click button and the author's switch."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, StringField
from wtforms.validators import AnyOf, DataRequired, Email, Length, Optional, ValidationError

from app.accounts.forms import person_name
from app.accounts.service import AccountError, checked_email, name_problem
from app.forms import Form
from app.signatures.models import MAX_AFFILIATION_LENGTH, MAX_NAME_LENGTH
from app.text.addresses import folded_address, mixes_lookalike_alphabets

LOOKALIKE_ALPHABETS = _l(
    "This address mixes letters of different alphabets that look alike (such as a Cyrillic "
    "“а” among Latin letters). Please type it in one alphabet."
)


def one_line(value: str | None) -> str | None:
    """Names are one line: line breaks and runs of blanks become one space."""
    return " ".join(value.split()) if isinstance(value, str) else value


def folded(value: str | None) -> str | None:
    """Full-width letters and other compatibility forms become the address they look like."""
    return folded_address(value) if isinstance(value, str) else value


def plain_affiliation(_form: Form, field: StringField) -> None:
    """A validator: an affiliation, like a name, must not pass for an address or carry tags."""
    if name_problem(field.data or "") is not None:
        raise ValidationError(str(_l('An affiliation cannot contain <, >, @ or ".')))


class OneClickSignForm(Form):
    """A colleague's signature: one click, the two choices preset."""

    hide_name = BooleanField(_l("Count my signature, but do not show my name"))
    told_of_answers = BooleanField(_l("Email me when someone answers this letter"))


class SignForm(OneClickSignForm):
    """A reader's signature: a name, an affiliation and an address to confirm."""

    name = StringField(
        _l("Your name"),
        validators=[
            DataRequired(_l("Please give your name.")),
            Length(max=MAX_NAME_LENGTH),
            person_name,
        ],
        filters=[one_line],
    )
    affiliation = StringField(
        _l("Affiliation (optional)"),
        validators=[Optional(), Length(max=MAX_AFFILIATION_LENGTH), plain_affiliation],
        filters=[one_line],
    )
    email = EmailField(
        _l("Your email address"),
        validators=[DataRequired(), Length(max=254), Email()],
        filters=[folded],
    )

    def validate_email(self, field: EmailField) -> None:
        """The site's rule for addresses, and no alphabets mixed to pass for another one."""
        if field.errors:
            return  # Email() has said what is wrong already
        try:
            field.data = checked_email(field.data or "")
        except AccountError as error:
            raise ValidationError(str(error)) from None
        if mixes_lookalike_alphabets(field.data):
            raise ValidationError(str(LOOKALIKE_ALPHABETS))


class SigningSwitchForm(Form):
    """The author closes signing, or opens it again."""

    action = StringField(validators=[AnyOf(["close", "open"])])
