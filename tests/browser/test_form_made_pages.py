"""Pages whose content was made through the site's own forms pass both page checkers.

In Chromium, colleagues sign in, then write, preview, publish, answer, edit and withdraw
letters (Markdown, a video in the P.S., tags with umlauts, related discussions); a reader
follows a colleague, a tag and a correspondence and confirms from the development mailbox.
Then every page type is visited in English and in German: axe-core runs on each page in the
browser, and the HTML the server sent is kept for one run of the Nu Html Checker (vnu-jar).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from tests.browser.axe_checks import Axe
from tests.browser.demo_site import sign_in
from tests.browser.form_made_site import FIRST_TITLE, SEARCH, TITLE, make_content
from tests.browser.live_server import add_colleague
from tests.browser.site_forms import ignore, press, submit, visit
from tests.page_types import AXE_JS, AXE_MISSING, VNU_MISSING, vnu_available, vnu_errors
from tests.support import PASSWORD

LOCALES = {"en": "en-GB", "de": "de-DE"}
ATOM = "{http://www.w3.org/2005/Atom}"


@dataclass
class PageChecks:
    """Every page the walk lands on: what axe-core finds, and the HTML as the server sent it."""

    folder: Path
    run_axe: bool
    language: str = "en"
    files: list[Path] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    feeds: dict[str, str] = field(default_factory=dict)

    def seen(self, page: Any, response: Any, label: str) -> None:
        name = f"{label}-{self.language}"
        assert response is not None and response.status < 500, (name, response)
        file = self.folder / f"{name}.html"
        assert file not in self.files, f"{name} is checked twice"
        file.write_text(response.text(), encoding="utf-8")  # not the DOM after scripts ran
        self.files.append(file)
        if self.run_axe:
            axe = Axe(page, self.language)
            axe.check(name)
            self.violations += axe.violations


class People:
    """A browser context for each person, English unless told; each page runs axe if asked."""

    def __init__(self, new_context: Callable[..., Any], base: str) -> None:
        self.new_context, self.base = new_context, base

    def page(self, email: str | None = None, language: str = "en") -> Any:
        # bypass_csp: axe is injected as an inline script, which the site's CSP rightly refuses.
        context = self.new_context(locale=LOCALES[language], bypass_csp=True)
        if AXE_JS.exists():
            context.add_init_script(path=str(AXE_JS))
        page = context.new_page()
        if email:
            sign_in(page, self.base, email, PASSWORD)
        return page


def reader_pages(paths: dict[str, str]) -> dict[str, str]:
    keys = ("letter", "letter-de", "reply", "reply-to-reply", "thread", "tag", "withdrawn",
            "manage", "unsubscribe", "confirm")  # fmt: skip
    return {
        **{key: paths[key] for key in keys},
        "front": "/",
        "tags": "/tags",
        "people": "/people",
        "profile": "/@sven",
        "search": SEARCH,
        "history": f"{paths['letter']}/history",
    }


def colleague_pages(paths: dict[str, str]) -> dict[str, str]:
    return {
        "own-letter": paths["letter"],
        "own-thread": paths["thread"],
        "own-profile": "/@sven",
        "write": "/letters/new?to=svenja",
        "reply-form": f"{paths['reply-to-reply']}/reply",
        "edit-form": f"{paths['letter']}/edit",
        "settings": "/settings",
        "notice-settings": "/settings/notifications",
        "admin": "/admin",
        "hide": paths["reply"].replace("/letters/", "/admin/letters/") + "/hide",
        "deliveries": "/admin/deliveries",
        "mailbox": "/dev/mailbox",
        "mailbox-message": paths["mail"],
    }


def send_forms_with_mistakes(
    sven: Any, reader: Any, base: str, paths: dict, checks: PageChecks
) -> None:
    """The write, edit and answer forms, subscribing and signing in, each sent wrong first."""
    seen = checks.seen
    sven.goto(f"{base}/letters/new")
    press(sven, "publish", seen, "write-errors")
    sven.goto(f"{base}{paths['letter']}/edit")
    sven.fill("#title", "")
    press(sven, "publish", seen, "edit-errors")
    sven.goto(f"{base}{paths['reply-to-reply']}/reply")
    press(sven, "publish", seen, "reply-errors")
    reader.goto(f"{base}/subscribe")
    reader.fill("#email", "not an address")
    submit(reader, reader.locator("main form button[type=submit]"), seen, "subscribe-errors")
    reader.fill("#email", f"reader-{checks.language}@example.org")
    submit(reader, reader.locator("main form button[type=submit]"), seen, "check-inbox")
    reader.goto(f"{base}/auth/login")
    reader.fill("#email", "nobody@example.org")
    reader.fill("#password", "wrong password")
    submit(reader, reader.locator("form.narrow-form button[type=submit]"), seen, "login-errors")


def check_every_page_type(checks: PageChecks, pages: dict, base: str, paths: dict) -> None:
    """As a reader and as Sven (an admin), every page type, and the forms sent wrong."""
    for name, path in reader_pages(paths).items():
        visit(pages["reader"], base + path, checks.seen, name)
    for name, path in colleague_pages(paths).items():
        visit(pages["sven"], base + path, checks.seen, name)
    send_forms_with_mistakes(pages["sven"], pages["reader"], base, paths, checks)


def keep_feeds_and_mail(checks: PageChecks, pages: dict, base: str, paths: dict) -> None:
    """The feeds and the sitemap (XML, for parsing), and the HTML parts of two emails."""
    for path in ("/feed.atom", "/@sven/feed.atom", f"{paths['thread']}/feed.atom",
                 f"{paths['tag']}/feed.atom", "/sitemap.xml"):  # fmt: skip
        response = pages["reader"].context.request.get(base + path)
        assert response.ok, (path, response.status)
        checks.feeds[path] = response.text()
    for name in ("mail", "notice"):
        response = pages["sven"].context.request.get(f"{base}{paths[name]}/html")
        assert response.ok, (name, response.status)
        file = checks.folder / f"{name}-html-part.html"
        file.write_text(response.text(), encoding="utf-8")
        checks.files.append(file)


def check_feeds(feeds: dict[str, str], paths: dict[str, str]) -> None:
    """Every feed and the sitemap parse as XML and list the published letters, not the withdrawn."""
    documents = {path: ElementTree.fromstring(text) for path, text in feeds.items()}
    sitemap = documents.pop("/sitemap.xml")
    listed = [loc.text or "" for loc in sitemap.iter() if loc.tag.endswith("loc")]
    for name in ("letter", "letter-de", "reply", "reply-to-reply"):
        assert any(url.endswith(paths[name]) for url in listed), name
    assert not any(url.endswith(paths["withdrawn"]) for url in listed)
    for path, feed in documents.items():
        assert list(feed.iter(f"{ATOM}entry")), f"{path} has no entries"
    entries = documents["/feed.atom"].iter(f"{ATOM}entry")
    site = [entry.findtext(f"{ATOM}title") for entry in entries]
    assert TITLE in site and FIRST_TITLE in site and f"Re: {TITLE}" in site
    assert "Ein Gedanke, den ich zurückziehe" not in site  # withdrawn


# One test rather than several sharing a module fixture: with pytest 9, pytest-xdist 3.8's
# xdist_group no longer keeps a module's tests on one worker, and each would make the site.
def test_pages_made_through_the_sites_forms_pass_axe_core_and_the_html_checker(
    live_server, new_context, page_log, tmp_path
):
    if not AXE_JS.exists() and not vnu_available():
        pytest.skip(f"{AXE_MISSING}; {VNU_MISSING}")
    base = live_server.url
    live_server.app.config["SITE_URL"] = base  # the links in the emails lead back here
    with live_server.app.app_context():
        add_colleague("Sven Albrecht", "sven@example.org", "sven", is_admin=True)
        add_colleague("Svenja Köhler", "svenja@example.org", "svenja", greeting_de="Liebe")
        add_colleague("Priya Natarajan", "priya@example.org", "priya")
    checks, people = PageChecks(tmp_path, run_axe=AXE_JS.exists()), People(new_context, base)

    paths, pages = make_content(live_server, people.page, checks.seen)
    check_every_page_type(checks, pages, base, paths)
    keep_feeds_and_mail(checks, pages, base, paths)
    checks.language = "de"
    submit(pages["sven"], pages["sven"].locator(".site-footer button[value=de]"), ignore, "")
    pages["reader"] = people.page(language="de")
    check_every_page_type(checks, pages, base, paths)

    assert page_log.outside == [], "pages made requests that left 127.0.0.1"
    check_feeds(checks.feeds, paths)
    problems = checks.violations + (vnu_errors(checks.files) if vnu_available() else [])
    assert problems == [], "\n".join(problems)
    if not vnu_available():
        pytest.skip(f"axe-core found nothing, but vnu-jar did not run: {VNU_MISSING}")
    if not AXE_JS.exists():
        pytest.skip(f"vnu-jar found nothing, but axe-core did not run: {AXE_MISSING}")
