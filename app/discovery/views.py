"""Front page, colleagues' pages, tags, search, feeds, sitemap, and the reader's language."""

from __future__ import annotations

from collections.abc import Iterable

from flask import abort, current_app, jsonify, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.accounts.service import set_locale, user_by_handle
from app.discovery import bp, service
from app.discovery.correspondences import correspondences_of, latest_letters_of_correspondences
from app.discovery.paging import list_page
from app.discovery.search import search_letters
from app.extensions import db, limiter
from app.i18n import LANGUAGE_COOKIE
from app.letters.models import Letter, LetterStatus
from app.letters.queries import (
    letter_by_slug,
    letters_received_by,
    letters_written_by,
    published_letters,
    thread_sizes,
    thread_title,
    unpublished_letters_of,
)
from app.links.service import public_tag_by_slug
from app.page_cache import shared_page
from app.web import absolute_url, safe_next_path

ATOM = "application/atom+xml; charset=utf-8"


@bp.route("/")
@shared_page
def index():
    """Correspondences, each once under its latest published letter, latest first."""
    page = list_page(latest_letters_of_correspondences())
    return render_template(
        "discovery/index.html", page=page, correspondences=correspondences_of(page.items)
    )


@bp.route("/tags")
@shared_page
def tag_index():
    """Every public tag with its number of published letters."""
    return render_template("discovery/tags.html", tags=service.public_tags())


@bp.route("/people")
def people():
    """Every colleague with their number of published letters."""
    return render_template("discovery/people.html", colleagues=service.colleagues())


@bp.route("/tags/<slug>")
@shared_page
def tag(slug: str):
    """Letters with one tag, with a feed and a subscribe form."""
    found = public_tag_by_slug(slug)
    if found is None:
        abort(404)
    page = list_page(service.letters_tagged(found))
    sizes = thread_sizes({letter.thread_root_id for letter in page.items})
    return render_template("discovery/tag.html", tag=found, page=page, sizes=sizes)


@bp.route("/@<handle>")
@shared_page
def profile(handle: str):
    """A colleague's page: who they are, letters written and received."""
    user = user_by_handle(handle)
    if user is None:
        abort(404)
    written = db.session.scalars(letters_written_by(user).limit(50)).unique().all()
    received = db.session.scalars(letters_received_by(user).limit(50)).unique().all()
    own = current_user.is_authenticated and current_user.id == user.id
    unpublished = unpublished_letters_of(user) if own else []
    return render_template(
        "discovery/profile.html",
        user=user,
        written=written,
        received=received,
        drafts=[letter for letter in unpublished if letter.status == LetterStatus.DRAFT],
        withdrawn=[letter for letter in unpublished if letter.status == LetterStatus.WITHDRAWN],
        own_page=own,
    )


def signed_in() -> bool:
    return current_user.is_authenticated


@bp.route("/search")
@limiter.limit(lambda: current_app.config["SEARCH_LIMIT_PER_IP"], exempt_when=signed_in)
def search():
    """Full-text search over published letters."""
    query = request.args.get("q", "")
    page = request.args.get("page", 1, type=int) or 1
    results = search_letters(query, page=min(max(page, 1), 1000))
    status = 400 if results.message == "too_long" else 200
    return render_template("discovery/search.html", results=results), status


def atom_feed(title: str, page_url: str, feed_url: str, letters: Iterable[Letter]) -> bytes:
    """The feed; feedgen and lxml (6 MB) are loaded by the first process asked for one."""
    from app.discovery.feeds import atom_feed as feed_of

    return feed_of(title, page_url, feed_url, letters)


def atom_response(document: bytes) -> Response:
    return current_app.response_class(document, mimetype="application/atom+xml",
                                      content_type=ATOM)  # fmt: skip


@bp.route("/letters/suggest")
def suggest_letters() -> Response:
    """Published letters whose title contains the typed words (for the related field)."""
    found = service.letters_titled_like(request.args.get("q", "")[:100])
    return jsonify([
        {"title": letter.title, "author": letter.author.display_name,
         "url": absolute_url("letters.show", slug=letter.slug)}
        for letter in found
    ])  # fmt: skip


@bp.route("/feed.atom")
@shared_page
def site_feed() -> Response:
    """Every new letter."""
    letters = service.latest(published_letters())
    return atom_response(atom_feed(current_app.config["SITE_NAME"],
                                   absolute_url("discovery.index"),
                                   absolute_url("discovery.site_feed"), letters))  # fmt: skip


@bp.route("/@<handle>/feed.atom")
@shared_page
def author_feed(handle: str) -> Response:
    """A colleague's letters."""
    user = user_by_handle(handle)
    if user is None:
        abort(404)
    letters = service.latest(letters_written_by(user))
    return atom_response(atom_feed(f"{user.display_name} – {current_app.config['SITE_NAME']}",
                                   absolute_url("discovery.profile", handle=user.handle),
                                   absolute_url("discovery.author_feed", handle=user.handle),
                                   letters))  # fmt: skip


@bp.route("/threads/<slug>/feed.atom")
@shared_page
def thread_feed(slug: str) -> Response:
    """The letters of one correspondence."""
    root = letter_by_slug(slug)
    if root is None or not root.opens_a_correspondence:
        abort(404)
    letters = service.thread_feed_letters(root)
    if not letters:  # nothing published: the first letter withdrawn or hidden, no answers
        abort(410 if root.status == LetterStatus.WITHDRAWN else 404)
    return atom_response(atom_feed(thread_title(root) or _("A correspondence"),
                                   absolute_url("letters.thread", slug=slug),
                                   absolute_url("discovery.thread_feed", slug=slug),
                                   letters))  # fmt: skip


@bp.route("/tags/<slug>/feed.atom")
@shared_page
def tag_feed(slug: str) -> Response:
    """Letters with one tag."""
    found = public_tag_by_slug(slug)
    if found is None:
        abort(404)
    letters = service.latest(service.letters_tagged(found))
    return atom_response(atom_feed(f"{found.name} – {current_app.config['SITE_NAME']}",
                                   absolute_url("discovery.tag", slug=slug),
                                   absolute_url("discovery.tag_feed", slug=slug),
                                   letters))  # fmt: skip


@bp.route("/sitemap.xml")
def sitemap() -> Response:
    """Every public letter, thread, author and tag."""
    xml = render_template("discovery/sitemap.xml", entries=service.sitemap_entries())
    return current_app.response_class(xml, mimetype="application/xml")


@bp.route("/robots.txt")
def robots() -> Response:
    lines = ["User-agent: *", "Disallow: /auth/", "Disallow: /settings",
             "Disallow: /subscriptions/", "Disallow: /unsubscribe/", "Disallow: /admin",
             "Disallow: /dev/", f"Sitemap: {absolute_url('discovery.sitemap')}", ""]  # fmt: skip
    return current_app.response_class("\n".join(lines), mimetype="text/plain")


def remember_language(response: Response, language: str) -> Response:
    if language in current_app.config["LANGUAGES"]:
        response.set_cookie(
            LANGUAGE_COOKIE,
            language,
            max_age=365 * 86400,
            samesite="Lax",
            httponly=True,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response


@bp.get("/language/<language>")
def read_in(language: str) -> Response:
    """A reader's choice of language, kept in a cookie.

    A link rather than a form: it changes nothing but how this browser shows the site, and
    readers' pages then need no session (and no cookie) at all.
    """
    if language not in current_app.config["LANGUAGES"]:
        abort(404)
    return remember_language(redirect(safe_next_path(request.args.get("next"))), language)


@bp.post("/language")
def choose_language() -> Response:
    """Signed-in colleagues change their account's language (emails follow it too)."""
    language = request.form.get("lang", "")
    if current_user.is_authenticated and language in current_app.config["LANGUAGES"]:
        set_locale(current_user, language)
    return remember_language(redirect(safe_next_path(request.form.get("next"))), language)
