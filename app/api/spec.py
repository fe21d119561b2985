"""The API's OpenAPI description (flask-smorest) and its interactive documentation."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, render_template
from flask_smorest import Api
from werkzeug.routing import BaseConverter

from app.accounts.models import HANDLE_PATTERN
from app.api import bp
from app.api.access import SECURITY_SCHEME
from app.api.errors import ErrorSchema, json_error
from app.errors import answer_errors_under
from app.extensions import csrf

API_PREFIX = "/api/"


class SiteApi(Api):
    """flask-smorest's Api, answering errors as the site's API does and documenting each one.

    flask-smorest would answer every error of the whole site as JSON; only /api/ does, through
    the core's error pages. No catch-all "default" response: every status an operation can
    answer is documented by itself.
    """

    ERROR_SCHEMA = ErrorSchema
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self) -> None:
        answer_errors_under(self._app, API_PREFIX, json_error)

    def _register_swagger_ui_rule(self, blueprint: Blueprint) -> None:
        # Our own page: flask-smorest's loads Swagger UI from a CDN with an inline script.
        blueprint.add_url_rule("/docs", endpoint="docs", view_func=docs_page)


class SlugConverter(BaseConverter):
    """A letter's or a tag's slug in an address: anything else is no address of the API."""

    regex = "[a-z0-9-]{1,120}"


class HandleConverter(BaseConverter):
    """A colleague's @handle in an address."""

    regex = HANDLE_PATTERN.pattern


def described_path(converter: BaseConverter) -> dict[str, Any]:
    """A path parameter as OpenAPI describes it: a string of the converter's pattern."""
    return {"type": "string", "pattern": f"^{converter.regex}$"}


def docs_page() -> str:
    """Swagger UI over /api/openapi.json, all of it from static/."""
    return render_template("api/docs.html")


def init_api(app: Flask) -> SiteApi:
    """Describe and serve the API: /api/openapi.json, /api/docs and the routes of bp.

    An Api per application (not one in app.extensions): flask-smorest keeps the description
    it builds on the object, and the tests build many applications.
    """
    app.url_map.converters |= {"slug": SlugConverter, "handle": HandleConverter}
    app.config.setdefault("OPENAPI_URL_PREFIX", API_PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    api = SiteApi(
        app,
        spec_kwargs={
            "title": f"{app.config['SITE_NAME']} API",
            "version": "1",
            "openapi_version": "3.0.3",
            "info": {"description": API_DESCRIPTION},
        },
    )
    api.register_converter(SlugConverter, described_path)
    api.register_converter(HandleConverter, described_path)
    api.spec.components.security_scheme(
        SECURITY_SCHEME,
        {"type": "http", "scheme": "bearer", "description": TOKEN_DESCRIPTION},
    )
    api.register_blueprint(bp)
    for name, description in GROUPS.items():
        api.spec.tag({"name": name, "description": description})
    # Authorised by a token in a header, never by the session cookie: no CSRF to guard against.
    csrf.exempt(bp)
    return api


# The groups the operations are listed in, in this order.
GROUPS = {
    "Letters": "Published letters, and a token's own drafts.",
    "Writing": "Drafts, changes, answers and publishing: with a write token.",
    "Signatures": "Who stands behind an open letter; signing with a write token.",
    "Correspondences": "Letters and the letters that answer them, as one tree.",
    "Colleagues": "Who writes here, and what.",
    "Tags": "Letters by topic; a letter's first tag is its category.",
    "Search": "Full-text search over published letters.",
}
TOKEN_DESCRIPTION = (
    "A personal access token from the settings page (Access tokens): `bw_…`. "
    "A read token reads what its colleague may read, their drafts too; a write token also "
    "creates and changes drafts, answers letters and publishes."
)
API_DESCRIPTION = (
    "Open letters, their correspondences, colleagues and tags, as JSON. Reading needs no "
    "token; writing needs a personal access token with the write scope, sent as "
    "`Authorization: Bearer <token>`. Lists are paged with `page` and `per_page`; each answer "
    "carries `pagination` and a `Link` header. Every read has an ETag: send it back as "
    "`If-None-Match` to get 304 while nothing changed. Errors are "
    '`{"error": …, "message": …, "fields": {…}}`. Too many requests answer 429 with '
    "Retry-After."
)
