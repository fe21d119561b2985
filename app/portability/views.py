"""The colleague's download of everything of theirs (linked from the settings page)."""

from __future__ import annotations

from flask import current_app, send_file
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.extensions import limiter
from app.portability import bp
from app.portability.archive import colleague_zip


def colleague_key() -> str:
    return f"export/user:{current_user.id}"


@bp.route("/settings/export.zip")
@login_required
@limiter.limit(lambda: current_app.config["EXPORT_LIMIT_PER_COLLEAGUE"], key_func=colleague_key)
def download_export() -> Response:
    """A zip of the colleague's letters, correspondences, profile, subscriptions and tokens."""
    response = send_file(
        colleague_zip(current_user),
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"briefwechsel-{current_user.handle}.zip",
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
