"""In Chromium: /api/docs shows the API under the site's Content-Security-Policy, asks nothing
of any other address, and its "Try it out" reads letters through the API."""

from __future__ import annotations

import pytest

from app.accounts.service import user_by_handle
from app.extensions import db
from app.letters.models import Language
from app.letters.service import LetterDraft, save_letter
from tests.browser.live_server import add_colleague

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
expect = sync_api.expect


def test_the_api_docs_run_here_and_try_a_request(live_server, new_context, page_log):
    add_colleague("Sven Albrecht", "sven@example.org", "sven")
    draft = LetterDraft(
        title="On open letters", salutation="", body="A body.", closing="Best",
        signature="Sven", postscript="", language=Language.EN, addressee=None,
        addressee_name="Readers",
    )  # fmt: skip
    save_letter(user_by_handle("sven"), draft, publish=True)
    db.session.commit()
    db.session.remove()  # SQLite: the server writes too
    page = new_context().new_page()
    page.goto(f"{live_server.url}/api/docs")
    path = page.locator('.opblock-summary-path[data-path="/api/letters"]')
    operation = page.locator(".opblock-get", has=path)
    expect(operation).to_be_visible()
    operation.locator(".opblock-summary").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    live = operation.locator(".live-responses-table tbody .response-col_status").first
    expect(live).to_have_text("200")
    expect(operation.locator(".live-responses-table")).to_contain_text("on-open-letters")
    assert page_log.errors == []
    assert page_log.outside == []
