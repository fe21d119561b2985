"""Forms every feature shares."""

from __future__ import annotations

from flask_wtf import FlaskForm


class ConfirmForm(FlaskForm):
    """An empty form for POST-only buttons, so that they carry a CSRF token."""
