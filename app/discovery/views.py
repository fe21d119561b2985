"""The front page and the reader's language choice."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request
from werkzeug.wrappers import Response

from app.extensions import db
from app.i18n import LANGUAGE_COOKIE
from app.letters.service import published_letters, thread_sizes
from app.web import safe_next_path

bp = Blueprint("discovery", __name__)


@bp.route("/")
def index():
    """The latest published letters, newest first."""
    page = db.paginate(
        published_letters(),
        per_page=current_app.config["LETTERS_PER_PAGE"],
        max_per_page=100,
        error_out=False,
    )
    if page.page > 1 and not page.items:
        abort(404)
    sizes = thread_sizes({letter.thread_root_id for letter in page.items})
    return render_template("discovery/index.html", page=page, sizes=sizes)


@bp.post("/language")
def choose_language() -> Response:
    """Remember the reader's language in a cookie (signed-in users: see settings)."""
    language = request.form.get("lang", "")
    response = redirect(safe_next_path(request.form.get("next")))
    if language in current_app.config["LANGUAGES"]:
        response.set_cookie(
            LANGUAGE_COOKIE,
            language,
            max_age=365 * 86400,
            samesite="Lax",
            httponly=True,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response


@bp.route("/healthz")
def healthz() -> dict[str, str]:
    """Liveness and database reachability for load balancers."""
    db.session.execute(db.select(1))
    return {"status": "ok"}
