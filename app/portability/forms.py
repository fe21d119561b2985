"""The form that deletes a colleague's account."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, PasswordField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from app.forms import Form
from app.portability.deletion import LetterChoice


class DeleteAccountForm(Form):
    """Asked first: what becomes of the letters, and the password."""

    letters = RadioField(
        _l("Your published letters"),
        choices=[
            SelectChoice(
                LetterChoice.KEEP.value, _l("Keep them public, signed by “a former colleague”")
            ),
            SelectChoice(LetterChoice.WITHDRAW.value, _l("Withdraw them and erase their text")),
        ],
        validators=[DataRequired(_l("Please choose what becomes of your letters."))],
    )
    current_password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(_l("Please give your password.")), Length(max=1024)],
    )


class ConfirmDeletionForm(Form):
    """Asked second: the choice made, signed, and one more press."""

    ticket = HiddenField(validators=[DataRequired()])
