"""Admin forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from app.forms import Form


class HideForm(Form):
    """Hiding a letter needs a reason: its author is told."""

    reason = TextAreaField(
        _l("Why is the letter hidden? (its author gets this by email)"),
        validators=[DataRequired(), Length(max=2000)],
    )
