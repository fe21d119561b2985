"""A colleague's choice of notices, and an admin lifting a suspension."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField
from wtforms.validators import DataRequired, Length

from app.forms import Form
from app.subscriptions.forms import letter_in_mail_field


class NoticeSettingsForm(Form):
    letters_to_me = BooleanField(_l("A letter is written to me"))
    replies_to_my_letters = BooleanField(_l("Someone answers one of my letters"))
    threads_i_wrote_in = BooleanField(_l("A correspondence I wrote in gets a new letter"))
    letter = letter_in_mail_field()


class LiftSuspensionForm(Form):
    address = HiddenField(validators=[DataRequired(), Length(max=254)])
