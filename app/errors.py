"""Styled error pages for every status a reader may meet."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app, g, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, OperationalError
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError, ServiceUnavailable

from app.compiled_templates import without_language
from app.extensions import db, login_manager
from app.templating import render_piece

TITLES = {
    400: _l("Bad request"),
    403: _l("Not allowed"),
    404: _l("Not found"),
    405: _l("Method not allowed"),
    410: _l("Gone"),
    413: _l("Too large"),
    422: _l("Cannot be processed"),
    429: _l("Too many requests"),
    500: _l("Something went wrong"),
    503: _l("Busy for a moment"),
}
# Said instead of Werkzeug's English default texts, in the reader's language.
DESCRIPTIONS = {
    400: _l("The request could not be understood. Please check what you sent and try again."),
    403: _l("You are not allowed to do this."),
    405: _l("This address does not take this kind of request."),
    410: _l("What was here is gone."),
    413: _l(
        "What you sent is too large. Pictures can be at most 2 MB, letters 100,000 characters."
    ),
    429: _l("Too many attempts. Please wait a little and try again."),
    503: _l("The site is busy for a moment. Please try again in a few seconds."),
}
ErrorPage = tuple[str, int, list[tuple[str, str]]]
ErrorRenderer = Callable[[HTTPException], ResponseReturnValue]
# Parts of the site that answer errors in a form of their own (the JSON API under /api/),
# by the start of their paths: a feature registers itself, the core knows no feature.
ERROR_RENDERERS = "briefwechsel.error_renderers"


def answer_errors_under(app: Flask, path_prefix: str, renderer: ErrorRenderer) -> None:
    """Let errors of requests under this path be answered by the renderer, not as pages.

    Unknown addresses (404) and wrong methods (405) reach no view and no blueprint, so a
    blueprint's own error handlers would not see them.
    """
    app.extensions.setdefault(ERROR_RENDERERS, {})[path_prefix] = renderer


def own_renderer() -> ErrorRenderer | None:
    """The renderer registered for this request's path, if any."""
    renderers: dict[str, ErrorRenderer] = current_app.extensions.get(ERROR_RENDERERS, {})
    path = request.path
    for prefix, renderer in renderers.items():
        if path.startswith(prefix) or path == prefix.rstrip("/"):
            return renderer
    return None


def render_error(error: HTTPException) -> ErrorPage | ResponseReturnValue:
    """Render any HTTP error with the site's layout, keeping its headers (405's Allow)."""
    renderer = own_renderer()
    if renderer is not None:
        return renderer(error)
    code = error.code or 500
    description = error.description if code != 500 else None
    if description == type(error).description or code == 429:
        description = DESCRIPTIONS.get(code)
    title = TITLES.get(code) or _("Error")
    page = render_template("errors/error.html", code=code, title=title, description=description)
    headers = [(name, value) for name, value in error.get_headers() if name != "Content-Type"]
    return page, code, headers


def render_csrf_error(error: CSRFError) -> tuple[str, int]:
    """A form sent without a valid CSRF token (often: the page was open for too long)."""
    return render_template(
        "errors/error.html",
        code=400,
        title=_("Form expired"),
        description=_("The form could not be checked. Please go back, reload it and try again."),
    ), 400


def render_unstorable_value(error: Exception) -> ErrorPage | ResponseReturnValue:
    """A value the database refuses (a page number past 2**63, say) is the request's fault.

    The input guard and the forms stop what they can; this keeps the rest a 400, not a 500.
    """
    db.session.rollback()  # PostgreSQL refuses every further statement in this transaction
    current_app.logger.warning("Refused a value the database cannot store: %s", error)
    description = _("The request contained a value that cannot be stored, such as a huge number.")
    return render_error(BadRequest(description=description))


def render_database_unavailable(error: OperationalError) -> ErrorPage | ResponseReturnValue:
    """The database is locked, gone or overloaded: worth trying again in a moment (503).

    The page is made without the database (which is what failed): the reader is shown as
    signed out, and a form that was sent comes back filled in, to be sent again.
    """
    current_app.logger.error("Database unavailable: %s", error)
    forget_session_work()
    renderer = own_renderer()
    if renderer is not None:
        return renderer(ServiceUnavailable(retry_after=5))
    g._login_user = login_manager.anonymous_user()  # loading the user would wait again
    description = _("The site is busy or briefly unavailable. Please try again in a moment.")
    try:
        page = render_template(
            "errors/error.html",
            code=503,
            title=_(TITLES[503]),
            description=description,
            resend=fields_to_send_again(),
        )
    except Exception:  # noqa: BLE001 — whatever fails here, the reader gets an answer
        current_app.logger.exception("The styled 503 page failed; showing the plain one.")
        page = plain_error_page()
    return page, 503, [("Retry-After", "5")]


def forget_session_work() -> None:
    """End the failed transaction without waiting for the database to answer."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 — the connection itself may be what failed
        current_app.logger.warning("Rolling back after a database failure failed too.")


# Never written back into a page: a password is typed again.
NOT_SENT_AGAIN = ("password",)


def fields_to_send_again() -> list[tuple[str, str]]:
    """The text fields of a form that could not be saved (files and passwords excepted)."""
    if request.method != "POST":
        return []
    return [
        (name, value)
        for name, value in request.form.items(multi=True)
        if not any(secret in name for secret in NOT_SENT_AGAIN)
    ]


def render_server_error(_error: Exception) -> tuple[str, int] | ResponseReturnValue:
    """Whatever went wrong, the reader sees the site's layout and no details."""
    renderer = own_renderer()
    if renderer is not None:
        forget_session_work()
        return renderer(InternalServerError())
    return render_without_failing(500, None), 500


def render_without_failing(code: int, description: str | None) -> str:
    """The styled error page, or, when even that fails, a plain one that needs no database."""
    try:
        # After a failed statement PostgreSQL refuses the rest of the transaction, and the
        # layout may still need the signed-in user.
        db.session.rollback()
        return render_template(
            "errors/error.html", code=code, title=_(TITLES[code]), description=description
        )
    except Exception:  # the database itself may be what failed
        current_app.logger.exception("The styled error page failed; showing the plain one.")
        return plain_error_page()


def plain_error_page() -> str:
    """Straight from Jinja: render_template's context processors would load the user again."""
    with without_language():
        return str(
            render_piece("errors/unavailable.html", site_name=current_app.config["SITE_NAME"])
        )


def init_error_pages(app: Flask) -> None:
    """Styled pages for HTTP errors, CSRF failures and database trouble."""
    app.register_error_handler(CSRFError, render_csrf_error)
    # SQLite's driver raises OverflowError for integers past 64 bits; PostgreSQL a DataError.
    app.register_error_handler(DataError, render_unstorable_value)
    app.register_error_handler(OverflowError, render_unstorable_value)
    app.register_error_handler(OperationalError, render_database_unavailable)
    app.register_error_handler(HTTPException, render_error)
    app.register_error_handler(500, render_server_error)
