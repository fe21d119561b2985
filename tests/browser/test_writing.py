"""Writing in Chromium: no typed word is lost, and the write page looks like the letter it makes."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.demo_site import sign_in
from tests.browser.live_server import add_colleague
from tests.support import PASSWORD

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
expect = sync_api.expect


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


def begin_letter(page: Any, base: str) -> None:
    """A new letter to Svenja, with a title and a body."""
    page.goto(f"{base}/letters/new")
    page.get_by_label("To a colleague", exact=True).select_option("svenja")
    type_into(page, "Title", TITLE)
    type_into(page, "Letter (Markdown)", BODY)


def close_tab(page: Any) -> None:
    """Close the tab as a person does, its "leave this page?" included, and wait until it is."""
    with page.expect_event("close"):
        page.close(run_before_unload=True)


def test_typed_text_survives_a_closed_tab_and_is_forgotten_once_published(new_context, base):
    context = writer(new_context, base)
    page = context.new_page()
    begin_letter(page, base)
    dialogs = Dialogs(page)
    close_tab(page)
    assert dialogs.seen == ["beforeunload"]

    page = context.new_page()
    dialogs = Dialogs(page)
    page.goto(f"{base}/letters/new")
    expect(page.locator("#unsaved-notice")).to_be_visible()
    expect(page.get_by_label("Title", exact=True)).to_have_value(TITLE)
    expect(page.get_by_label("Letter (Markdown)", exact=True)).to_have_value(BODY)
    expect(page.get_by_label("To a colleague", exact=True)).to_have_value("svenja")
    expect(page.get_by_label("Salutation", exact=True)).to_have_value("Dear Svenja,")
    page.get_by_role("button", name="Publish").click()
    expect(page).to_have_url(f"{base}/letters/on-slow-decisions")

    page.goto(f"{base}/letters/new")
    expect(page.get_by_label("Title", exact=True)).to_have_value("")
    expect(page.get_by_label("Letter (Markdown)", exact=True)).to_have_value("")
    expect(page.locator("#unsaved-notice")).to_be_hidden()
    page.goto(f"{base}/")
    assert dialogs.seen == []  # not on publishing, and not with nothing typed


def test_leaving_asks_only_while_the_server_does_not_have_the_text(new_context, base):
    page = writer(new_context, base).new_page()
    dialogs = Dialogs(page)
    page.goto(f"{base}/letters/new")
    page.get_by_label("Title", exact=True).click()
    page.goto(f"{base}/")
    assert dialogs.seen == []  # nothing changed

    page.goto(f"{base}/letters/new")
    type_into(page, "Title", TITLE)
    page.goto(f"{base}/")
    assert dialogs.seen == ["beforeunload"]

    page.goto(f"{base}/letters/new")  # the text is back: leaving still asks
    expect(page.get_by_label("Title", exact=True)).to_have_value(TITLE)
    type_into(page, "Letter (Markdown)", BODY)
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("section.preview")).to_contain_text("We decide too quickly")
    assert dialogs.seen == ["beforeunload"]  # sending the form does not ask
    # Chromium asks only on a page the person has touched: the writer reads on, and goes.
    page.get_by_label("Letter (Markdown)", exact=True).click()
    page.goto(f"{base}/")  # a preview is not saved
    assert dialogs.seen == ["beforeunload"] * 2

    page.goto(f"{base}/letters/new")
    expect(page.get_by_label("Letter (Markdown)", exact=True)).to_have_value(BODY)
    page.get_by_role("button", name="Discard the restored text").click()
    expect(page.get_by_label("Title", exact=True)).to_have_value("")
    expect(page.get_by_label("Letter (Markdown)", exact=True)).to_have_value("")
    page.goto(f"{base}/")
    page.goto(f"{base}/letters/new")
    expect(page.get_by_label("Title", exact=True)).to_have_value("")
    expect(page.locator("#unsaved-notice")).to_be_hidden()
    assert dialogs.seen == ["beforeunload"] * 2


def test_an_edit_of_a_published_letter_stays_in_the_browser_until_it_is_saved(new_context, base):
    context = writer(new_context, base)
    page = context.new_page()
    begin_letter(page, base)
    page.get_by_role("button", name="Publish").click()
    expect(page).to_have_url(f"{base}/letters/on-slow-decisions")

    page.goto(f"{base}/letters/on-slow-decisions/edit")
    type_into(page, "Letter (Markdown)", "A second thought, not ready for readers.")
    Dialogs(page)
    close_tab(page)
    reader = new_context().new_page()
    reader.goto(f"{base}/letters/on-slow-decisions")
    expect(reader.locator(".letter-body")).to_contain_text("We decide too quickly")
    expect(reader.locator(".letter-body")).not_to_contain_text("second thought")

    page = context.new_page()
    page.goto(f"{base}/letters/on-slow-decisions/edit")
    expect(page.locator("#unsaved-notice")).to_be_visible()
    body = page.get_by_label("Letter (Markdown)", exact=True)
    expect(body).to_have_value("A second thought, not ready for readers.")
    body.fill("A second thought, ready now.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".letter-body")).to_contain_text("ready now")
    page.goto(f"{base}/letters/on-slow-decisions/edit")
    expect(body).to_have_value("A second thought, ready now.")
    expect(page.locator("#unsaved-notice")).to_be_hidden()


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

    begin_letter(page, base)
    type_into(page, "P.S. (Markdown)", "Bring the notes.")
    type_into(page, "Tags (comma-separated; the first is the category)", "Decisions")
    page.get_by_role("button", name="Preview").click()
    page.locator(".preview .letter-title").wait_for()
    page.wait_for_load_state("load")  # the new page's stylesheet too, before its styles count
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


def test_a_colleague_chosen_before_the_script_ran_still_gets_the_salutation(new_context, base):
    # On a slow line a writer can pick the addressee before write.js listens for it.
    page = writer(new_context, base).new_page()
    page.route("**/static/js/write.js*", lambda route: route.abort())
    page.goto(f"{base}/letters/new")
    page.get_by_label("To a colleague", exact=True).select_option("svenja")
    page.unroute("**/static/js/write.js*")
    page.add_script_tag(url=f"{base}/static/js/write.js")
    expect(page.get_by_label("Salutation", exact=True)).to_have_value("Dear Svenja,")
