"""Who calls the API: a personal access token or nobody; what each may do, and how often.

The API reads no session cookie: a request is anonymous unless it carries
`Authorization: Bearer <token>`. A page on another site can make a browser send its cookies,
never a token, so the API needs no CSRF token, and a write without a token is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Response, abort, current_app, g, request
from flask_babel import gettext as _
from marshmallow import Schema
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized

from app.accounts.access_tokens import note_use, token_presented
from app.accounts.models import AccessToken
from app.api import bp
from app.api.errors import ErrorSchema
from app.extensions import client_address, limiter, login_manager

View = TypeVar("View", bound=Callable[..., Any])
TOKEN = "api_token"
SECURITY_SCHEME = "personalAccessToken"
READ_SECURITY = [{}, {SECURITY_SCHEME: []}]  # anonymous, or a token: its colleague's drafts too
WRITE_SECURITY = [{SECURITY_SCHEME: []}]
WRITING_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def presented_secret() -> str | None:
    """What follows "Bearer " in the Authorization header; "" for another kind; None if absent."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _space, secret = header.strip().partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else ""


def bearer_token() -> AccessToken | None:
    """The valid token this request presents (looked up once), or None."""
    if TOKEN not in g:
        secret = presented_secret()
        g.api_token = token_presented(secret) if secret else None
    return g.api_token


def refuse_token(description: str, error: str | None = "invalid_token") -> Unauthorized:
    """A 401 that says, as RFC 6750 asks, how to authenticate (and, for a token, what is wrong).

    A request that sent no token at all gets no error code: it only learns the scheme.
    """
    parameters = {"realm": "api"} | ({"error": error} if error else {})
    challenge = WWWAuthenticate("bearer", parameters)
    return Unauthorized(description=description, www_authenticate=challenge)


@bp.before_request
def authenticate() -> None:
    """The token's colleague is the current user of the request; without one, nobody is."""
    if presented_secret() is None:
        g._login_user = login_manager.anonymous_user()
        return
    token = bearer_token()
    if token is None:
        raise refuse_token(_("This access token is not valid: revoked, or not copied whole."))
    g._login_user = token.user
    note_use(token)


@bp.after_request
def label_answer(response: Response) -> Response:
    """Answers differ by token and are checked again before reuse; reads carry an ETag."""
    response.vary.add("Authorization")
    response.cache_control.no_cache = True
    if bearer_token() is not None:
        response.cache_control.private = True
    if request.method in ("GET", "HEAD") and response.status_code == 200:
        response.add_etag()
        if request.if_none_match.contains_weak(response.get_etag()[0] or ""):
            response.status_code = 304  # werkzeug then sends neither body nor entity headers
    return response


def rate_limit_key() -> str:
    """Limits count per token, and per client address for requests without a valid one."""
    token = bearer_token()
    return f"token:{token.id}" if token is not None else f"address:{client_address()}"


def request_limit() -> str:
    config = current_app.config
    return config["API_LIMIT_PER_TOKEN"] if bearer_token() else config["API_LIMIT_PER_ADDRESS"]


# One count for all routes of the blueprint (a limit of its own would count each route
# apart); writes count once more against a limit of their own.
limiter.shared_limit(request_limit, scope="api", key_func=rate_limit_key)(bp)
limit_writes = limiter.shared_limit(
    lambda: current_app.config["API_WRITE_LIMIT_PER_TOKEN"],
    scope="api-writes",
    key_func=rate_limit_key,
    override_defaults=False,
)


def documented_errors(view: View, *codes: int) -> View:
    """The view with these error answers in its documentation."""
    for code in codes:
        view = bp.alt_response(code, schema=ErrorSchema)(view)
    return view


def also_answers(*codes: int) -> Callable[[View], View]:
    """Document more error answers of a view (those of its kind come with reading/writing)."""
    return lambda view: documented_errors(view, *codes)


def reading(view: View) -> View:
    """A read: open to everyone; with a token, also what only its colleague may see."""
    view = documented_errors(view, 400, 401, 404, 429)
    return bp.doc(security=READ_SECURITY)(bp.conditional(view))


def sends_a_body() -> bool:
    return bool(request.content_length or request.headers.get("Transfer-Encoding"))


def read_page(arguments: type[Schema], answer: type[Schema]) -> Callable[[View], View]:
    """A read of one page of a list: its query arguments, its answer and their documentation."""

    def decorate(view: View) -> View:
        described = bp.arguments(arguments, location="query")(bp.response(200, answer)(view))
        return reading(bp.paged(described))

    return decorate


def writing(view: View) -> View:
    """A write: only with a token of the write scope (401 without one, 403 with a read one)."""

    @wraps(view)
    def with_write_token(*args: Any, **kwargs: Any) -> Any:
        token = bearer_token()
        if token is None:
            raise refuse_token(
                _("Writing needs a personal access token: Authorization: Bearer …"),
                error=None,
            )
        if not token.can_write:
            abort(403, description=_("This token may only read. Writing needs a write token."))
        if sends_a_body() and not request.is_json:
            # Read as no fields at all, a form would change nothing and still answer 200.
            abort(415, description=_("Send the fields as JSON (Content-Type: application/json)."))
        return view(*args, **kwargs)

    limited = limit_writes(with_write_token)
    documented = documented_errors(limited, 400, 401, 403, 404, 413, 415, 429)
    return bp.doc(security=WRITE_SECURITY)(documented)
