"""Colleagues, tags and search, as the site's people, tag and search pages show them."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts.models import User
from app.api import bp
from app.api.access import bearer_token, rate_limit_key, read_page
from app.api.inputs import PageArgs, SearchArgs
from app.api.letter_views import colleague_or_404
from app.api.list_schemas import (
    ColleagueDetailSchema,
    ColleaguePageSchema,
    SearchResultsSchema,
    TagDetailSchema,
    TagPageSchema,
)
from app.api.paging import Paged, page_answer, page_links, page_of_list, page_of_query
from app.api.represent import letter_summary
from app.discovery.search import search_letters
from app.discovery.service import colleagues as all_colleagues
from app.discovery.service import letters_tagged, public_tags
from app.extensions import db, limiter
from app.letters.models import Letter, LetterStatus
from app.letters.queries import letters_written_by
from app.links.models import LetterTag
from app.links.service import public_tag_by_slug
from app.web import absolute_url


def colleague(user: User, letters_written: int) -> dict[str, Any]:
    """A colleague as the people page shows them (never their email address)."""
    if user.avatar_version:
        avatar = absolute_url("accounts.avatar", handle=user.handle, v=user.avatar_version)
    else:
        avatar = absolute_url("accounts.initials_avatar", handle=user.handle)
    return {
        "handle": user.handle,
        "display_name": user.display_name,
        "role_line": user.role_line,
        "bio": user.bio,
        "bio_html": user.bio_html,
        "avatar": avatar,
        "letters_written": letters_written,
        "url": absolute_url("api.colleague", handle=user.handle),
        "permalink": absolute_url("discovery.profile", handle=user.handle),
    }


def with_letters(shown: dict[str, Any], paged: Paged) -> tuple[dict[str, Any], dict[str, str]]:
    """A colleague or a tag, with one page of its letters."""
    letters = [letter_summary(letter) for letter in paged.items]
    return shown | {"letters": letters, "pagination": paged.pagination}, page_links(paged)


@bp.route("/colleagues", tags=["Colleagues"])
@read_page(PageArgs, ColleaguePageSchema)
def colleagues(args: dict[str, Any]) -> Any:
    """Every colleague, by name, with their number of published letters."""
    paged = page_of_list(all_colleagues(), args)
    return page_answer(paged, [colleague(found.user, found.letters) for found in paged.items])


@bp.route("/colleagues/<handle:handle>", endpoint="colleague", tags=["Colleagues"])
@read_page(PageArgs, ColleagueDetailSchema)
def colleague_page(args: dict[str, Any], handle: str) -> Any:
    """A colleague and their published letters, newest first, page by page."""
    user = colleague_or_404(handle)
    written = db.session.scalar(
        select(func.count()).where(
            Letter.author_id == user.id, Letter.status == LetterStatus.PUBLISHED
        )
    )
    return with_letters(
        colleague(user, written or 0), page_of_query(letters_written_by(user), args)
    )


def tag(name: str, slug: str, letters_count: int) -> dict[str, Any]:
    return {
        "name": name,
        "slug": slug,
        "letters_count": letters_count,
        "url": absolute_url("api.tag", slug=slug),
        "permalink": absolute_url("discovery.tag", slug=slug),
    }


@bp.route("/tags", tags=["Tags"])
@read_page(PageArgs, TagPageSchema)
def tags(args: dict[str, Any]) -> Any:
    """Every tag a published letter carries, by name, with its number of letters."""
    paged = page_of_list(public_tags(), args)
    return page_answer(paged, [tag(found.name, found.slug, found.letters) for found in paged.items])


@bp.route("/tags/<slug:slug>", endpoint="tag", tags=["Tags"])
@read_page(PageArgs, TagDetailSchema)
def tag_page(args: dict[str, Any], slug: str) -> Any:
    """A tag and its published letters, newest first, page by page."""
    found = public_tag_by_slug(slug)
    if found is None:
        abort(404, description=_("No published letter has this tag."))
    count = db.session.scalar(
        select(func.count())
        .select_from(LetterTag)
        .join(Letter, Letter.id == LetterTag.letter_id)
        .where(LetterTag.tag_id == found.id, Letter.status == LetterStatus.PUBLISHED)
    )
    return with_letters(
        tag(found.name, found.slug, count or 0), page_of_query(letters_tagged(found), args)
    )


def with_token() -> bool:
    return bearer_token() is not None


@bp.route("/search", tags=["Search"])
@limiter.limit(
    lambda: current_app.config["SEARCH_LIMIT_PER_IP"],
    key_func=rate_limit_key,
    exempt_when=with_token,
    override_defaults=False,
)
@read_page(SearchArgs, SearchResultsSchema)
def search(args: dict[str, Any]) -> Any:
    """Published letters with every word, best first, with highlighted snippets."""
    results = search_letters(args["q"], page=args["page"], per_page=args["per_page"])
    items = [
        {"letter": letter_summary(hit.letter), "snippet": str(hit.snippet)} for hit in results.hits
    ]
    following = results.page * results.per_page < results.total
    paged = Paged(items, results.page, results.per_page, has_next=following)
    body = {"query": results.query, "total": results.total, "more": results.more}
    return body | {"items": items, "pagination": paged.pagination}, page_links(paged)
