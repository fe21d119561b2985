"""What a new user met in the first hour, in Chromium: pages that fit and read well."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from app.accounts.invitations import send_invitation
from app.extensions import db
from app.notifications.sender import run_once
from tests.browser.demo_site import serving_site, sign_in
from tests.browser.live_server import LiveServer

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The demo site with no mail server: every email lands in the development mailbox."""
    with serving_site(tmp_path_factory.mktemp("first-hour") / "site.sqlite") as server:
        yield server


def scrolls_sideways(page: Any) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )


def overflows(page: Any, selector: str) -> bool:
    """Whether an element's content sticks out of its box (a reader would scroll or miss it)."""
    return page.evaluate(
        "(selector) => { const box = document.querySelector(selector);"
        " return box.scrollWidth > box.clientWidth; }",
        selector,
    )


def test_a_mailbox_message_with_long_links_fits_a_1280_pixel_window(
    site: LiveServer, new_context: Any
) -> None:
    with site.app.app_context():
        send_invitation("newcomer@example.org", None)
        db.session.commit()
        run_once()
        db.session.remove()
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, site.url, "sven@example.org")
    page.goto(f"{site.url}/dev/mailbox")
    page.locator("table.mailbox a").first.click()
    page.wait_for_selector("pre.mail-text")
    assert "/auth/invite/" in page.locator("pre.mail-text").inner_text()
    assert not scrolls_sideways(page)
    assert not overflows(page, "pre.mail-text") and not overflows(page, "dl.mail-headers")


def test_the_closing_follows_the_letters_language_until_the_writer_edits_it(
    site: LiveServer, new_context: Any
) -> None:
    page = new_context().new_page()
    sign_in(page, site.url, "sven@example.org")  # German, closes with "Gruß"
    page.goto(f"{site.url}/letters/new")
    closing = page.locator("#closing")
    assert closing.input_value() == "Gruß"
    page.select_option("#language", "en")
    assert closing.input_value() == "Best wishes"
    page.select_option("#language", "de")
    assert closing.input_value() == "Gruß"
    closing.fill("Herzlich")
    page.select_option("#language", "en")
    assert closing.input_value() == "Herzlich"


def test_the_letter_being_answered_is_open_on_a_wide_screen_and_folded_on_a_phone(
    site: LiveServer, new_context: Any
) -> None:
    answered = "details.answered-letter"
    for width, javascript, starts_open in (
        (1280, True, True),
        (375, True, False),
        (375, False, True),
    ):
        context = new_context(
            viewport={"width": width, "height": 800}, java_script_enabled=javascript
        )
        page = context.new_page()
        sign_in(page, site.url, "svenja@example.org")
        page.goto(f"{site.url}/letters/on-writing-things-down/reply")
        body = page.locator(f"{answered} .letter-body")
        assert body.is_visible() == starts_open, (width, javascript)
        page.locator(f"{answered} > summary").click()  # folds and unfolds without a script too
        assert body.is_visible() != starts_open, (width, javascript)
