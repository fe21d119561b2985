"""The Webmention endpoint, and where letter pages say they have one."""

from __future__ import annotations

from flask import Response, current_app, request
from flask_babel import gettext as _

from app.extensions import csrf, limiter
from app.web import absolute_url
from app.webmentions import bp
from app.webmentions.receiving import WebmentionRefused, accept_webmention

# Pages that take webmentions: a letter.
TARGET_ENDPOINTS = frozenset({"letters.show"})


def plain(text: str, status: int) -> Response:
    return current_app.response_class(text + "\n", status=status, mimetype="text/plain")


@bp.post("/webmention")
@limiter.limit(lambda: current_app.config["WEBMENTION_LIMIT_PER_IP"])
@csrf.exempt  # a public protocol endpoint: other sites post here, with no session or form
def receive() -> Response:
    """Take a webmention (source, target): 202 and verified later, or 400 and why."""
    try:
        accept_webmention(request.form.get("source", ""), request.form.get("target", ""))
    except WebmentionRefused as error:
        return plain(str(error), 400)
    return plain(_("Accepted: the source will be checked shortly."), 202)


@bp.after_app_request
def advertise_endpoint(response: Response) -> Response:
    """Letter pages name the endpoint in a Link header too (kept pages as well)."""
    if request.endpoint in TARGET_ENDPOINTS and response.status_code in (200, 304):
        response.headers.add("Link", f'<{absolute_url("webmentions.receive")}>; rel="webmention"')
    return response
