"""The API's blueprint: flask-smorest's, which also documents the answers every read shares.

Every GET of the API carries an ETag and answers 304 to a matching If-None-Match (the
after-request hook in app/api/access.py does it); flask-smorest's own ETag feature would
answer that 304 without the ETag, which RFC 9110 asks for. This documents ours, through the
documentation callbacks flask-smorest's features use themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from typing import Any, TypeVar

from flask_smorest import Blueprint

View = TypeVar("View", bound=Callable[..., Any])

IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "The ETag of an earlier answer: 304 without a body if it is still current.",
    "schema": {"type": "string"},
}
ETAG = {"description": "A tag of this answer's content.", "schema": {"type": "string"}}
LINK = {
    "description": 'The neighbouring pages: `<…?page=2>; rel="next"`, `rel="prev"`.',
    "schema": {"type": "string"},
}
NOT_MODIFIED = {"description": "Not modified: the answer has the ETag sent in If-None-Match."}


def with_doc_flag(view: View, flag: str) -> View:
    """The view, its documentation marked (a copy: the views it wraps keep theirs)."""
    doc = deepcopy(getattr(view, "_apidoc", {}))
    doc[flag] = True
    view.__dict__["_apidoc"] = doc
    return view


class ApiBlueprint(Blueprint):
    """flask-smorest's Blueprint, documenting conditional GETs and page links."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._prepare_doc_cbks.append(self._prepare_read_doc)

    @staticmethod
    def conditional(view: View) -> View:
        """Document a GET whose answer has an ETag and may be 304."""
        return with_doc_flag(view, "conditional")

    @staticmethod
    def paged(view: View) -> View:
        """Document a GET whose answer is a page of a list, linking its neighbours."""
        return with_doc_flag(view, "paged")

    @staticmethod
    def _prepare_read_doc(doc: dict, doc_info: dict, *, method: str, **_: Any) -> dict:
        if method != "get":
            return doc
        headers = {"ETag": ETAG} if doc_info.get("conditional") else {}
        if doc_info.get("paged"):
            headers["Link"] = LINK
        if doc_info.get("conditional"):
            doc.setdefault("parameters", []).append(IF_NONE_MATCH)
            doc.setdefault("responses", {})[304] = NOT_MODIFIED
        for code in doc_info.get("success_status_codes", []):
            doc["responses"][code].setdefault("headers", {}).update(headers)
        return doc
