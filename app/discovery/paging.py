"""Lists read page by page without counting every row: "Newer" and "Older" links.

Counting all correspondences or all letters of a tag reads every one of them, which costs
more with every letter; a page asks for one row more than it shows to know whether an older
page follows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, current_app, request
from sqlalchemy import Select

from app.extensions import db

MAX_PAGE = 10_000  # beyond it, a 404 rather than an offset the database refuses


@dataclass(frozen=True)
class ListPage:
    """One page of a list, newest first."""

    page: int
    items: list[Any]
    has_next: bool

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def requested_page() -> int:
    """The ?page= number; anything that is not a positive number is the first page."""
    page = request.args.get("page", 1, type=int)
    return page if page and page > 0 else 1


def list_page(query: Select) -> ListPage:
    """The requested page of the query's rows (404 past the last page)."""
    page, per_page = requested_page(), current_app.config["LETTERS_PER_PAGE"]
    if page > MAX_PAGE:
        abort(404)
    rows = list(
        db.session.scalars(query.limit(per_page + 1).offset((page - 1) * per_page)).unique()
    )
    if page > 1 and not rows:
        abort(404)
    return ListPage(page, rows[:per_page], len(rows) > per_page)
