"""The subscribe form and the forms of the manage page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, IntegerField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    AnyOf,
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app.accounts.forms import TIMEZONES
from app.accounts.service import AccountError, checked_email
from app.forms import Form
from app.subscriptions.models import Frequency, Target


def frequency_choices() -> list[SelectChoice]:
    return [
        SelectChoice(Frequency.INSTANT.value, str(_l("Each letter as it is published"))),
        SelectChoice(Frequency.DAILY.value, str(_l("A daily digest"))),
        SelectChoice(Frequency.WEEKLY.value, str(_l("A weekly digest"))),
    ]


class SubscribeForm(Form):
    """Carries no CSRF token: it is on pages every reader shares (see the subscribe view)."""

    class Meta:
        csrf = False

    email = EmailField(
        _l("Your email address"), validators=[DataRequired(), Length(max=254), Email()]
    )
    frequency = RadioField(_l("How often"), default=Frequency.INSTANT.value)
    target = HiddenField(
        default=Target.SITE.value, validators=[AnyOf([target.value for target in Target])]
    )
    target_id = IntegerField(default=0, validators=[NumberRange(min=0, max=2**31 - 1)])
    next = HiddenField()  # the page the form was on, to go back to

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.frequency.choices = frequency_choices()

    def validate_email(self, field: EmailField) -> None:
        """The same rule as for colleagues' addresses (no "=?", which mail clients decode)."""
        if field.errors:
            return  # Email() has said what is wrong already
        try:
            checked_email(field.data or "")
        except AccountError as error:
            raise ValidationError(str(error)) from None


class FrequencyForm(Form):
    subscription_id = IntegerField(validators=[NumberRange(min=1, max=2**31 - 1)])
    frequency = SelectField(_l("How often"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.frequency.choices = frequency_choices()


class RemoveForm(Form):
    subscription_id = IntegerField(validators=[NumberRange(min=1, max=2**31 - 1)])


WHOLE, EXCERPT = "whole", "excerpt"


def letter_in_mail_field() -> RadioField:
    """Whether notices carry the whole letter or a short excerpt (digests list excerpts)."""
    return RadioField(
        _l("What the emails about letters carry"),
        # Lazy labels: the form is built once, and shown in each reader's language.
        choices=[
            SelectChoice(WHOLE, _l("The whole letter")),
            SelectChoice(EXCERPT, _l("A short excerpt, with a link to the letter")),
        ],
        # A form from before the choice existed leaves it as it is.
        validators=[Optional()],
    )


def letter_in_mail_choice(whole_letter: bool) -> str:
    return WHOLE if whole_letter else EXCERPT


def chosen_whole_letter(choice: str | None) -> bool | None:
    """True or False as chosen; None where the form did not say."""
    return {WHOLE: True, EXCERPT: False}.get(choice or "")


class ReaderSettingsForm(Form):
    """The language and timezone of every email to the address (digests go out by its clock)."""

    locale = SelectField(
        _l("Language of the emails"),
        choices=[SelectChoice("de", "Deutsch"), SelectChoice("en", "English")],
    )
    timezone = SelectField(_l("Timezone"), choices=[SelectChoice(zone) for zone in TIMEZONES])
    letter = letter_in_mail_field()
