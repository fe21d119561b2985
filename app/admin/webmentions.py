"""The admins' decisions about answers from other sites (the queue is on /admin)."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.accounts.access import admin_required
from app.admin import bp
from app.forms import ConfirmForm
from app.webmentions.moderation import (
    MentionNotFound,
    approve_site_of,
    block_site_of,
    reject,
)


def decide(mention_id: int, decision: Callable[[int], str]) -> str:
    """Carry out a button's decision (CSRF checked); the answer's site. 404 for one gone."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        return decision(mention_id)
    except MentionNotFound as error:
        abort(404, description=str(error))


def back_to_the_queue(message: str) -> Response:
    flash(message, "success")
    return redirect(url_for("admin.dashboard"))


@bp.post("/admin/webmentions/<int:mention_id>/approve")
@admin_required
def approve_webmention(mention_id: int) -> Response:
    """Show the answer, and from now on every answer from its site."""
    site = decide(mention_id, approve_site_of)
    return back_to_the_queue(_("%(site)s is approved: its answers show on the letters.", site=site))


@bp.post("/admin/webmentions/<int:mention_id>/reject")
@admin_required
def reject_webmention(mention_id: int) -> Response:
    """Leave this answer off the letter."""
    site = decide(mention_id, reject)
    return back_to_the_queue(_("The answer from %(site)s is rejected.", site=site))


@bp.post("/admin/webmentions/<int:mention_id>/block")
@admin_required
def block_webmention_site(mention_id: int) -> Response:
    """Hide everything from the answer's site, and drop what it sends later."""
    site = decide(mention_id, block_site_of)
    return back_to_the_queue(
        _("%(site)s is blocked: its answers are hidden and new ones dropped.", site=site)
    )
