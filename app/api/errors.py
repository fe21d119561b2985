"""Errors under /api/ as JSON: `{"error": …, "message": …, "fields": {…}}`, never a page."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import Response, jsonify
from flask_babel import lazy_gettext as _l
from marshmallow import Schema
from marshmallow.fields import Dict, Raw, String
from werkzeug.exceptions import HTTPException

from app.errors import DESCRIPTIONS

MESSAGES = {
    400: _l("The request could not be understood: see fields."),
    401: _l("Send a valid personal access token: Authorization: Bearer …"),
    403: _l("You are not allowed to do this."),
    404: _l("There is nothing here, or nothing you may see."),
    405: _l("This address does not take this method."),
    409: _l("This cannot be done to the letter as it is now."),
    410: _l("What was here is gone."),
    413: DESCRIPTIONS[413],
    415: _l("Send the fields as JSON (Content-Type: application/json)."),
    422: _l("Some fields are not valid: see fields."),
    429: _l("Too many requests. Please wait a little and try again (see Retry-After)."),
    500: _l("Something went wrong on our side."),
    503: DESCRIPTIONS[503],
}


class ErrorSchema(Schema):
    """What every error of the API answers."""

    error = String(
        required=True,
        metadata={"description": "The status as a name: not_found, unprocessable_entity, …"},
    )
    message = String(required=True, metadata={"description": "What went wrong, in words."})
    fields = Dict(
        keys=String(),
        values=Raw(),
        required=True,
        metadata={"description": "Messages by field name (empty when no field is at fault)."},
    )


def error_name(code: int) -> str:
    """`not_found` for 404: a name a program can compare."""
    try:
        return HTTPStatus(code).name.lower()
    except ValueError:
        return "error"


def usual_message(code: int) -> str:
    if code in MESSAGES:
        return str(MESSAGES[code])
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return ""


def message_of(error: HTTPException, code: int) -> str:
    """The message given where the error was raised, else the usual one for its status."""
    data: dict[str, Any] = getattr(error, "data", None) or {}
    if data.get("message"):
        return str(data["message"])
    if error.description and error.description != type(error).description and code != 429:
        return str(error.description)
    return usual_message(code)


def fields_of(error: HTTPException) -> dict[str, Any]:
    """Field messages of a refused request body or query, by field name.

    The parser reports them by where they were found ({"json": {"title": […]}}); a message
    about the body as a whole stays under its place ("json").
    """
    data: dict[str, Any] = getattr(error, "data", None) or {}
    found: dict[str, Any] = data.get("fields") or {}
    for location, messages in (data.get("messages") or {}).items():
        if isinstance(messages, dict):
            found.update({str(name): value for name, value in messages.items()})
        else:
            found[location] = messages
    return found


def json_error(error: HTTPException) -> Response:
    """The JSON answer for any HTTP error under /api/, with its headers (Allow, Retry-After)."""
    code = error.code or 500
    response = jsonify(
        {"error": error_name(code), "message": message_of(error, code), "fields": fields_of(error)}
    )
    response.status_code = code
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response
