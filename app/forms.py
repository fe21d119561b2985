"""Forms every feature shares."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import Field
from wtforms.widgets import HiddenInput


class Form(FlaskForm):
    """The base of every form: a FlaskForm whose hidden inputs carry no id.

    Pages hold several forms (the manage page one for each subscription, the settings page
    one for each section), and each form's CSRF token would repeat the id "csrf_token",
    which HTML forbids. Nothing refers to a hidden input by its id.
    """

    class Meta(FlaskForm.Meta):
        def render_field(self, field: Field, render_kw: dict[str, Any]) -> Markup:
            if isinstance(field.widget, HiddenInput):
                render_kw = {"id": False, **render_kw}
            return super().render_field(field, render_kw)


def single_line(value: str | None) -> str | None:
    """Titles, names and greetings are one line: line breaks become spaces."""
    return " ".join(value.split()) if value else value


class ConfirmForm(Form):
    """An empty form for POST-only buttons, so that they carry a CSRF token."""
