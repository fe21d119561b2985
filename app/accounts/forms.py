"""Forms for signing in, invitations, password resets and settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from app.accounts.invitations import plain_note
from app.accounts.models import (
    GREETINGS,
    HANDLE_PATTERN,
    INVITATION_NOTE_MAX_LENGTH,
    AccessScope,
)
from app.accounts.service import AccountError, name_problem
from app.config import DEFAULT_TIMEZONE
from app.forms import Form, single_line

TIMEZONES = [
    DEFAULT_TIMEZONE,
    "Europe/Vienna",
    "Europe/Zurich",
    "Europe/London",
    "UTC",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Tokyo",
]


def strip_blanks(value: str | None) -> str | None:
    """Spaces a phone keyboard adds go; line breaks stay, so that the address is refused."""
    return value.strip(" \t") if isinstance(value, str) else value


def email_field(label: LazyString | None = None) -> EmailField:
    return EmailField(
        label or _l("Email address"),
        validators=[DataRequired(), Length(max=254), Email()],
        filters=[strip_blanks],
    )


def new_password_fields() -> tuple[PasswordField, PasswordField]:
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(10, 1024)])
    repeat = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", _l("The passwords differ."))],
    )
    return password, repeat


class LoginForm(Form):
    email = email_field()
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    remember = BooleanField(_l("Remember me on this device"))


def person_name(_form: FlaskForm, field: StringField) -> None:
    """A validator: the name must not look like an email address."""
    problem = name_problem(field.data or "")
    if problem is not None:
        raise ValidationError(str(problem))


class HandleMixin:
    def validate_handle(self, field: StringField) -> None:
        if field.data and not HANDLE_PATTERN.fullmatch(field.data):
            raise ValidationError(
                _l("2–32 lower-case letters, digits or underscores, e.g. svenja_h.")
            )


class AcceptInvitationForm(HandleMixin, Form):
    display_name = StringField(
        _l("Your name"), validators=[DataRequired(), Length(max=100), person_name]
    )
    handle = StringField(_l("Handle (your address: /@handle)"), validators=[Optional()])
    password, password_repeat = new_password_fields()


class RegisterForm(Form):
    """Sign-up asks only for the address; the emailed link leads to the account form."""

    email = email_field()


class ResetRequestForm(Form):
    email = email_field()


class ResetPasswordForm(Form):
    password, password_repeat = new_password_fields()


class ProfileForm(Form):
    display_name = StringField(
        _l("Name"), validators=[DataRequired(), Length(max=100), person_name]
    )
    role_line = StringField(_l("Role"), validators=[Optional(), Length(max=120)])
    bio = TextAreaField(_l("Short bio (Markdown)"), validators=[Optional(), Length(max=2000)])
    salutation_name = StringField(
        _l("How letters to you greet you (name)"),
        validators=[Optional(), Length(max=100), person_name],
    )
    greeting_de = SelectField(
        _l("German greeting for you"), choices=[SelectChoice(word) for word in GREETINGS["de"]]
    )
    default_closing = StringField(
        _l("Your usual closing (e.g. “Gruß” or “Best”)"), validators=[Optional(), Length(max=100)]
    )
    locale = SelectField(
        _l("Language"), choices=[SelectChoice("de", "Deutsch"), SelectChoice("en", "English")]
    )
    timezone = SelectField(_l("Timezone"), choices=[SelectChoice(zone) for zone in TIMEZONES])


class AvatarForm(Form):
    avatar = FileField(
        _l("Picture (JPEG, PNG, GIF or WebP, up to 2 MB)"), validators=[FileRequired()]
    )


class ChangePasswordForm(Form):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    password, password_repeat = new_password_fields()


class ChangeEmailForm(Form):
    email = email_field(_l("New email address"))
    # Its own id: the password form on the same page has a current_password too.
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired()], id="email_current_password"
    )


class InviteForm(Form):
    email = email_field(_l("Colleague's email address"))
    note = TextAreaField(
        _l("Personal note (optional)"),
        validators=[Optional(), Length(max=INVITATION_NOTE_MAX_LENGTH)],
        filters=[plain_note],
    )


class AccessTokenForm(Form):
    name = StringField(
        _l("Name (what the token is for)"),
        validators=[DataRequired(), Length(max=100)],
        filters=[single_line],
    )
    scope = SelectField(
        _l("Allows"),
        choices=[
            SelectChoice(AccessScope.READ.value, _l("reading (your drafts too)")),
            SelectChoice(AccessScope.WRITE.value, _l("reading and writing letters")),
        ],
        default=AccessScope.READ.value,
    )


def show_account_error(form: FlaskForm, error: AccountError) -> None:
    """Put a service's refusal under the field it is about."""
    field = form._fields.get(error.field) or next(iter(form._fields.values()))
    field.errors = [str(error)]
