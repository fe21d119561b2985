"""End to end in Chromium: readers follow a thread by email, leave it, search, switch language."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any
from urllib.request import ProxyHandler, Request, build_opener

import pytest
from sqlalchemy import select

from app.accounts.service import user_by_email
from app.extensions import db
from app.letters.models import Language
from app.letters.queries import letter_by_slug
from app.letters.service import LetterDraft, save_letter
from app.notifications.sender import run_once
from app.subscriptions.models import Subscription, Target
from tests.browser.demo_site import serving_site, sign_in
from tests.browser.live_server import LiveServer
from tests.mailserver import MailServer, ReceivedMail
from tests.page_types import add_subscription

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
expect = sync_api.expect


THREAD = "on-writing-things-down"
SEARCH_WORD = "paragraph"
MONTHS_DE = "Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember"
MONTHS_EN = "January|February|March|April|May|June|July|August|September|October|November|December"
GERMAN_DATE = re.compile(rf"^\d{{1,2}}\. ({MONTHS_DE}) \d{{4}}$")
ENGLISH_DATE = re.compile(rf"^\d{{1,2}} ({MONTHS_EN}) \d{{4}}$")


@pytest.fixture(scope="module")
def mail_server() -> Iterator[MailServer]:
    """A real SMTP server on loopback for the whole module."""
    server = MailServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, mail_server: MailServer) -> Iterator[Any]:
    """The demo site, sending its mail to the SMTP server, plus letters enough to page."""
    database = tmp_path_factory.mktemp("journeys") / "site.sqlite"
    with serving_site(database, **mail_server.settings) as server:
        for number in range(1, 13):
            publish(
                "priya@example.org",
                f"Notes from review {number}",
                f"Review {number} ended with a {SEARCH_WORD} that said what we decided.",
            )
        yield server


def publish(email: str, title: str, body: str, parent_slug: str | None = None) -> None:
    """A colleague publishes a letter through the service, as the write form would."""
    author = user_by_email(email)
    parent = letter_by_slug(parent_slug) if parent_slug else None
    draft = LetterDraft(
        title=title,
        salutation="",
        body=body,
        closing="Best",
        signature=author.greeting_name,
        postscript="",
        language=Language.EN,
        addressee=parent.author if parent else None,
        addressee_name="" if parent else "The team",
    )
    save_letter(author, draft, publish=True, in_reply_to=parent)
    db.session.commit()
    db.session.remove()  # the server needs SQLite's write lock


def deliver(server: LiveServer, mail_server: MailServer, to: str, count: int) -> ReceivedMail:
    """Run the sender, as `flask notify run --once` does; the newest mail to this address."""
    with server.app.app_context():
        run_once()
        db.session.remove()
    deadline = time.monotonic() + 5
    while len(mail_server.inbox.to(to)) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    received = mail_server.inbox.to(to)
    assert len(received) == count, f"{to} has {len(received)} emails, expected {count}"
    return received[-1]


def subscriptions_of(email: str) -> list[Subscription]:
    found = list(db.session.scalars(select(Subscription).where(Subscription.email == email)))
    db.session.remove()
    return found


def reply_in_thread(title: str) -> None:
    """Sven answers the first letter of the thread."""
    publish("sven@example.org", title, "Agreed, one paragraph.", THREAD)


def test_reader_follows_a_thread_by_email_and_confirms_from_the_message(
    site, mail_server, new_context, page_log
):
    reader = "follower@example.org"
    page = new_context().new_page()
    page.goto(f"{site.url}/threads/{THREAD}")
    box = page.locator(".subscribe-box")
    box.get_by_label("Your email address").fill(reader)
    box.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    assert subscriptions_of(reader)[0].confirmed_at is None

    confirmation = deliver(site, mail_server, reader, 1)
    link = re.search(rf"{re.escape(site.url)}/subscribe/confirm/\S+", confirmation.text)
    assert link, confirmation.text
    page.goto(link.group(0))
    assert subscriptions_of(reader)[0].confirmed_at is None  # opening the link is not enough
    page.get_by_role("button", name="Yes, subscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are subscribed")
    assert subscriptions_of(reader)[0].confirmed_at is not None

    reply_in_thread("Re: On writing things down, again")
    notice = deliver(site, mail_server, reader, 2)
    assert "Re: On writing things down, again" in notice.message["Subject"]
    assert f"{site.url}/letters/re-on-writing-things-down-again" in notice.text
    assert page_log.outside == [] and page_log.errors == []


def one_click_unsubscribe(url: str) -> tuple[int, str]:
    """POST as a mail client does (RFC 8058): no cookies, no CSRF token, no proxy."""
    request = Request(
        url,
        data=b"List-Unsubscribe=One-Click",
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    with build_opener(ProxyHandler({})).open(request, timeout=10) as response:
        return response.status, response.read().decode()


def test_reader_leaves_with_one_click_from_the_notice(site, mail_server, new_context, page_log):
    reader = "leaver@example.org"
    thread = letter_by_slug(THREAD)
    add_subscription(reader, Target.THREAD, thread.id, confirmed=True)
    db.session.remove()
    reply_in_thread("Re: On writing things down, once more")
    notice = deliver(site, mail_server, reader, 1)
    assert notice.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.search(r"<(https?://[^>]+)>", notice.message["List-Unsubscribe"]).group(1)
    assert url.startswith(f"{site.url}/unsubscribe/")

    page = new_context().new_page()
    page.goto(url)  # what a link scanner or a curious reader does
    expect(page.get_by_role("button", name="Unsubscribe")).to_be_visible()
    assert len(subscriptions_of(reader)) == 1, "opening the link must change nothing"

    status, body = one_click_unsubscribe(url)
    assert status == 200 and "You are unsubscribed" in body
    assert subscriptions_of(reader) == []

    page.get_by_role("button", name="Unsubscribe").click()  # pressing it again is harmless
    expect(page.get_by_role("heading", level=1)).to_have_text("You are unsubscribed")
    assert page_log.outside == [] and page_log.errors == []


def test_reader_searches_and_pages_through_highlighted_results(site, new_context, page_log):
    page = new_context().new_page()
    page.goto(site.url)
    page.locator(".site-header").get_by_role("link", name="Search").click()
    field = page.get_by_label("Words in the letters")
    field.fill(SEARCH_WORD)
    field.press("Enter")

    expect(page).to_have_url(re.compile(rf"/search\?q={SEARCH_WORD}$"))
    found = page.get_by_role("status")
    expect(found).to_have_text(re.compile(r"^1[1-9] letters found\.$"))
    results = page.locator(".search-results > li")
    expect(results).to_have_count(10)
    marks = page.locator(".search-results mark")
    expect(marks.first).to_be_visible()
    # Forms of the word are found and marked too ("paragraphs"), as on PostgreSQL.
    assert all(text.lower().startswith(SEARCH_WORD) for text in marks.all_inner_texts())
    assert SEARCH_WORD in {text.lower() for text in marks.all_inner_texts()}

    page.get_by_role("navigation", name="Pages").get_by_role("link", name="Next").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator(".pagination")).to_contain_text("Page 2 of 2")
    total = int(found.inner_text().split()[0])
    expect(results).to_have_count(total - 10)
    expect(page.locator(".search-results mark").first).to_be_visible()
    assert page_log.outside == [] and page_log.errors == []


def byline_date(page: Any) -> str:
    return page.locator("article.letter .byline time").inner_text()


def test_reader_and_colleague_switch_language_in_the_footer(site, new_context, page_log):
    letter = f"{site.url}/letters/{THREAD}"
    page = new_context().new_page()
    page.goto(letter)
    assert ENGLISH_DATE.match(byline_date(page)), byline_date(page)
    page.locator(".site-footer").get_by_role("link", name="Deutsch").click()

    expect(page).to_have_url(letter)
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator(".site-header").get_by_role("link", name="Suchen")).to_be_visible()
    assert GERMAN_DATE.match(byline_date(page)), byline_date(page)
    page.goto(f"{site.url}/search")  # the choice is remembered
    expect(page.get_by_role("heading", level=1)).to_have_text("Suchen")
    page.locator(".site-footer").get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Search")

    # Priya's account says English; her choice in the footer changes the account.
    colleague = new_context().new_page()
    sign_in(colleague, site.url, "priya@example.org")
    colleague.goto(letter)
    expect(colleague.get_by_role("link", name="Write a letter")).to_be_visible()
    colleague.locator(".site-footer").get_by_role("button", name="Deutsch").click()
    expect(colleague).to_have_url(letter)
    expect(colleague.get_by_role("link", name="Brief schreiben")).to_be_visible()
    assert GERMAN_DATE.match(byline_date(colleague)), byline_date(colleague)

    elsewhere = new_context(locale="en-GB").new_page()  # no language cookie here
    sign_in(elsewhere, site.url, "priya@example.org")
    elsewhere.goto(letter)
    expect(elsewhere.get_by_role("link", name="Brief schreiben")).to_be_visible()
    assert page_log.outside == [] and page_log.errors == []
