"""End to end in real Chromium: colleagues write, publish and answer letters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.live_server import add_colleague
from tests.support import PASSWORD

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
expect = sync_api.expect


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
TITLE = "On slow decisions"
VIDEO = "https://www.youtube.com/watch?v=Qs7Gr5J2d1M"


@pytest.fixture
def colleagues(live_server: Any) -> None:
    with live_server.app.app_context():
        add_colleague("Sven Albrecht", "sven@example.org", "sven", role_line="Managing director")
        add_colleague("Svenja Köhler", "svenja@example.org", "svenja", greeting_de="Liebe")
        add_colleague("Priya Natarajan", "priya@example.org", "priya")


def sign_in(page: Any, base_url: str, email: str) -> None:
    """Through the login form, as a person would."""
    page.goto(f"{base_url}/")
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Email address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.locator("form.narrow-form").get_by_role("button", name="Sign in").click()
    expect(page.locator(".account-menu")).to_be_visible()


def sign_out(page: Any) -> None:
    """Through the account menu in the header, which opens without JavaScript too."""
    page.locator(".account-menu summary").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def write_letter(page: Any) -> None:
    """Fill the write form for a letter to Svenja; JavaScript suggests the salutation."""
    page.get_by_role("link", name="Write a letter").click()
    page.get_by_label("To a colleague", exact=True).select_option("svenja")
    expect(page.get_by_label("Salutation", exact=True)).to_have_value("Dear Svenja,")
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Letter (Markdown)", exact=True).fill(
        "we decide too quickly in meetings.\n\nLet us try deciding **in writing** instead."
    )
    page.get_by_label("Closing", exact=True).fill("Best")
    page.get_by_label("P.S. (Markdown)", exact=True).fill(f"A talk about it: {VIDEO}")


def check_letter_page(page: Any) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    letter = page.locator("article.letter")
    expect(letter.locator(".byline")).to_contain_text("by Sven Albrecht to Svenja Köhler")
    expect(letter.locator(".salutation")).to_have_text("Dear Svenja,")
    expect(letter.locator(".letter-body strong")).to_have_text("in writing")
    expect(letter.locator(".signature")).to_have_text("Sven")
    expect(letter.locator(".author-box")).to_contain_text("Managing director")
    # The video stays a link in the P.S. (and a button) until the reader asks for it.
    expect(letter.locator(".postscript a")).to_have_attribute("href", VIDEO)


def save_screenshots(browser_context: Any, url: str, artifacts: Path, name: str) -> None:
    """The page as a reader sees it on a phone and on a desktop; nothing wider than a phone."""
    page = browser_context.new_page()
    for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        page.goto(url)
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= viewport["width"], f"{label}: page is {overflow}px wide"
        page.screenshot(path=artifacts / f"{name}-{label}.png", full_page=True)
    page.close()


def test_colleagues_write_publish_and_answer_a_letter(
    live_server, colleagues, new_context, page_log, artifacts
):
    base = live_server.url
    page = new_context().new_page()
    sign_in(page, base, "sven@example.org")

    write_letter(page)
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("section.preview")
    expect(preview).to_contain_text("Dear Svenja,")
    expect(preview.locator("strong")).to_have_text("in writing")
    expect(page.get_by_label("Title", exact=True)).to_have_value(
        TITLE
    )  # the form survives the preview
    page.get_by_role("button", name="Publish").click()

    expect(page).to_have_url(f"{base}/letters/on-slow-decisions")
    expect(page.locator(".flash-success")).to_have_text("Published.")
    check_letter_page(page)
    expect(page.locator(".video-load")).to_be_visible()  # embed.js offers the player
    save_screenshots(new_context(), page.url, artifacts, "letter")
    sign_out(page)

    sign_in(page, base, "svenja@example.org")
    page.goto(f"{base}/letters/on-slow-decisions")
    page.get_by_role("link", name="Answer with a letter").click()
    expect(page).to_have_url(f"{base}/letters/on-slow-decisions/reply")
    expect(page.get_by_label("To a colleague", exact=True)).to_have_value("sven")
    expect(page.get_by_label("Salutation", exact=True)).to_have_value("Dear Sven,")
    expect(page.get_by_label("Title", exact=True)).to_have_value(f"Re: {TITLE}")
    expect(page.get_by_label("Signature", exact=True)).to_have_value("Svenja")
    page.get_by_label("Letter (Markdown)", exact=True).fill(
        "Agreed. I will write down our next decision."
    )
    page.get_by_role("button", name="Publish").click()

    expect(page).to_have_url(f"{base}/letters/re-on-slow-decisions")
    expect(page.locator(".in-reply-to")).to_contain_text(f"In reply to {TITLE}")
    page.get_by_role("link", name="Read the whole correspondence (2 letters)").click()

    expect(page).to_have_url(f"{base}/threads/on-slow-decisions")
    entries = page.locator("li.thread-entry")
    expect(entries).to_have_count(2)
    expect(entries.nth(0).get_by_role("heading", level=2)).to_have_text(TITLE)
    expect(entries.nth(1).get_by_role("heading", level=2)).to_have_text(f"Re: {TITLE}")
    expect(entries.nth(1).locator(".in-reply-to")).to_contain_text(
        f"answers {TITLE} (Sven Albrecht)"
    )
    expect(entries.nth(1).locator(".salutation")).to_have_text("Dear Sven,")
    save_screenshots(new_context(), page.url, artifacts, "thread")

    assert page_log.outside == [], "pages made requests that left 127.0.0.1"
    assert page_log.errors == []
    assert any(url.endswith("/static/js/write.js") for url in page_log.urls)


def test_signing_in_and_publishing_work_without_javascript(
    live_server, colleagues, new_context, page_log
):
    base = live_server.url
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, base, "sven@example.org")

    page.get_by_role("link", name="Write a letter").click()
    page.get_by_label("To a colleague", exact=True).select_option("svenja")
    expect(page.get_by_label("Salutation", exact=True)).to_have_value(
        ""
    )  # nothing suggests it here
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Letter (Markdown)", exact=True).fill(
        "we decide too quickly in meetings.\n\nLet us try deciding **in writing** instead."
    )
    page.get_by_label("P.S. (Markdown)", exact=True).fill(f"A talk about it: {VIDEO}")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("section.preview")).to_contain_text("Dear Svenja,")
    page.get_by_role("button", name="Publish").click()

    expect(page).to_have_url(f"{base}/letters/on-slow-decisions")
    check_letter_page(page)  # the server filled in the salutation
    expect(page.locator(".video-load")).to_be_hidden()  # without JS, only the link
    sign_out(page)

    assert page_log.outside == [], "pages made requests that left 127.0.0.1"
    assert page_log.errors == []
    assert not any(url.endswith(".js") for url in page_log.urls)
