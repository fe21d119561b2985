"""The subscribe form and the forms of the manage page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, IntegerField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Email, Length, NumberRange, ValidationError

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


class ReaderSettingsForm(Form):
    """The language and timezone of every email to the address (digests go out by its clock)."""

    locale = SelectField(
        _l("Language of the emails"),
        choices=[SelectChoice("de", "Deutsch"), SelectChoice("en", "English")],
    )
    timezone = SelectField(_l("Timezone"), choices=[SelectChoice(zone) for zone in TIMEZONES])
