"""Styled error pages for every status a reader may meet."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

TITLES = {
    400: "Bad request",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    410: "Gone",
    413: "Too large",
    422: "Cannot be processed",
    429: "Too many requests",
    500: "Something went wrong",
}


def render_error(error: HTTPException) -> tuple[str, int]:
    """Render any HTTP error with the site's layout."""
    code = error.code or 500
    description = error.description if code != 500 else None
    if code == 429:
        description = _("Too many attempts. Please wait a little and try again.")
    return render_template(
        "errors/error.html", code=code, title=_(TITLES.get(code, "Error")), description=description
    ), code


def render_csrf_error(error: CSRFError) -> tuple[str, int]:
    """A form sent without a valid CSRF token (often: the page was open for too long)."""
    return render_template(
        "errors/error.html",
        code=400,
        title=_("Form expired"),
        description=_("The form could not be checked. Please go back, reload it and try again."),
    ), 400


def render_server_error(_error: Exception) -> tuple[str, int]:
    return render_template(
        "errors/error.html", code=500, title=_("Something went wrong"), description=None
    ), 500


def init_error_pages(app: Flask) -> None:
    app.register_error_handler(CSRFError, render_csrf_error)
    app.register_error_handler(HTTPException, render_error)
    app.register_error_handler(500, render_server_error)
