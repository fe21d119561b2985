"""Writing in Chromium: no typed word is lost, and the write page looks like the letter it makes."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.demo_site import sign_in
from tests.browser.live_server import CHROMIUM, CHROMIUM_MISSING, add_colleague
from tests.support import PASSWORD

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
expect = sync_api.expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),  # under pytest-xdist: one Chromium at a time
    pytest.mark.skipif(not CHROMIUM.exists(), reason=CHROMIUM_MISSING),
]

TITLE = "On slow decisions"
BODY = "We decide too quickly in meetings.\n\nLet us try deciding in writing."
# The letter's parts from top to bottom, and the settings that stand apart from them.
LETTER_FIELDS = ["title", "addressee", "salutation", "body", "closing", "signature", "postscript"]
SETTINGS = ["language", "tags", "related"]


@pytest.fixture
def base(live_server: Any) -> str:
    with live_server.app.app_context():
        add_colleague("Sven Albrecht", "sven@example.org", "sven", role_line="Managing director")
        add_colleague("Svenja Köhler", "svenja@example.org", "svenja", greeting_de="Liebe")
    return live_server.url


class Dialogs:
    """The dialogs a page opens (a "leave this page?" is a beforeunload), each accepted."""

    def __init__(self, page: Any) -> None:
        self.seen: list[str] = []
        page.on("dialog", self.answer)

    def answer(self, dialog: Any) -> None:
        self.seen.append(dialog.type)
        dialog.accept()


def writer(new_context: Any, base: str) -> Any:
    context = new_context()
    page = context.new_page()
    sign_in(page, base, "sven@example.org", PASSWORD)
    return context


def type_into(page: Any, label: str, text: str) -> None:
    """Click and type, as a person does (a page that was never touched may not ask on leaving)."""
    field = page.get_by_label(label, exact=True)
    field.click()
    field.fill(text)


def close_tab(page: Any) -> None:
    """Close the tab as a person does, its "leave this page?" included, and wait until it is."""
    with page.expect_event("close"):
        page.close(run_before_unload=True)


def box(page: Any, selector: str) -> dict[str, float]:
    found = page.locator(selector).bounding_box()
    assert found is not None, f"{selector} is not shown"
    return found


def styles(page: Any, selector: str, *names: str) -> dict[str, str]:
    return page.locator(selector).evaluate(
        "(element, names) => { const style = getComputedStyle(element);"
        " return Object.fromEntries(names.map((name) => [name, style[name]])); }",
        list(names),
    )


def test_the_write_page_is_laid_out_like_the_letter_it_makes(new_context, base):
    page = writer(new_context, base).new_page()
    page.goto(f"{base}/letters/new")
    sheet = box(page, ".letter-sheet")
    tops = [box(page, f"#{name}")["y"] for name in LETTER_FIELDS]
    assert tops == sorted(tops) and len(set(tops)) == len(tops), tops
    for name in LETTER_FIELDS:
        field = box(page, f"#{name}")
        assert (
            sheet["y"] <= field["y"]
            and field["y"] + field["height"] <= sheet["y"] + sheet["height"]
        ), f"#{name} is not on the letter's paper"
    for name in SETTINGS:  # below the paper on a 1280 px window …
        assert box(page, f"#{name}")["y"] > sheet["y"] + sheet["height"], name
    page.set_viewport_size({"width": 1440, "height": 900})
    sheet = box(page, ".letter-sheet")
    for name in SETTINGS:  # … beside it where there is room
        assert box(page, f"#{name}")["x"] > sheet["x"] + sheet["width"], name
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_label("To a colleague", exact=True).select_option("svenja")
    type_into(page, "Title", TITLE)
    type_into(page, "Letter (Markdown)", BODY)
    type_into(page, "P.S. (Markdown)", "Bring the notes.")
    type_into(page, "Tags (comma-separated; the first is the category)", "Decisions")
    page.get_by_role("button", name="Preview").click()
    preview_title = styles(page, ".preview .letter-title", "fontSize", "fontWeight")
    preview_width = box(page, ".preview article.letter")["width"]
    page.get_by_role("button", name="Save draft").click()
    page.goto(f"{base}/letters/on-slow-decisions/edit")
    form = {
        "title": styles(page, "#title", "fontSize", "fontWeight", "fontFamily"),
        "salutation": styles(page, "#salutation", "fontFamily", "fontSize"),
        "body": styles(page, "#body", "fontFamily", "fontSize", "lineHeight"),
        "signature": styles(page, "#signature", "fontStyle"),
        "paper": styles(page, ".letter-sheet", "backgroundColor", "borderTopColor"),
        "ps": styles(page, ".sheet-postscript", "borderTopStyle", "borderTopColor"),
    }
    page.goto(f"{base}/letters/on-slow-decisions")
    letter = {
        "title": styles(page, "h1.letter-title", "fontSize", "fontWeight", "fontFamily"),
        "salutation": styles(page, ".salutation", "fontFamily", "fontSize"),
        "body": styles(page, ".letter-body p:first-child", "fontFamily", "fontSize", "lineHeight"),
        "signature": styles(page, ".signature", "fontStyle"),
        "paper": styles(page, "article.letter", "backgroundColor", "borderTopColor"),
        "ps": styles(page, ".postscript", "borderTopStyle", "borderTopColor"),
    }
    assert form == letter
    assert preview_title == {key: letter["title"][key] for key in ("fontSize", "fontWeight")}
    assert preview_width == box(page, "article.letter")["width"]
