"""Lists page by page: `page` and `per_page` in, `pagination` and a Link header out.

As on the site's pages, nothing counts every row: a page asks for one row more than it shows
to know whether another page follows. Past the last page, a page is empty.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import request
from sqlalchemy import Select

from app.extensions import db
from app.web import absolute_url


@dataclass(frozen=True)
class Paged:
    items: list[Any]
    page: int
    per_page: int
    has_next: bool

    @property
    def pagination(self) -> dict[str, int | None]:
        return {
            "page": self.page,
            "per_page": self.per_page,
            "previous_page": self.page - 1 if self.page > 1 else None,
            "next_page": self.page + 1 if self.has_next else None,
        }


def page_of_query(query: Select, args: dict[str, Any]) -> Paged:
    """The asked-for page of the query's rows."""
    page, per_page = args["page"], args["per_page"]
    rows = list(
        db.session.scalars(query.limit(per_page + 1).offset((page - 1) * per_page)).unique()
    )
    return Paged(rows[:per_page], page, per_page, len(rows) > per_page)


def page_of_list(items: Sequence[Any], args: dict[str, Any]) -> Paged:
    """The asked-for page of a list already read."""
    page, per_page = args["page"], args["per_page"]
    start = (page - 1) * per_page
    return Paged(
        list(items[start : start + per_page]), page, per_page, len(items) > start + per_page
    )


def page_links(paged: Paged) -> dict[str, str]:
    """The Link header naming the neighbouring pages (RFC 8288), if there are any."""
    links = []
    for relation, number in (("prev", paged.pagination["previous_page"]),
                             ("next", paged.pagination["next_page"])):  # fmt: skip
        if number is not None:
            arguments = {**request.args.to_dict(), **(request.view_args or {}), "page": number}
            links.append(f'<{absolute_url(request.endpoint or "", **arguments)}>; rel="{relation}"')
    return {"Link": ", ".join(links)} if links else {}


def page_answer(paged: Paged, items: list[Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """A page of a list as the API answers it: its items, `pagination` and the Link header."""
    return {"items": items, "pagination": paged.pagination}, page_links(paged)
