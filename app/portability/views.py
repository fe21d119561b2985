"""The colleague's download of everything of theirs (linked from the settings page)."""

from __future__ import annotations

from flask import send_file
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.portability import bp
from app.portability.archive import colleague_zip


@bp.route("/settings/export.zip")
@login_required
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
