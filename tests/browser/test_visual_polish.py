"""The site looks of one piece in Chromium: fields, buttons, the header and the language switch.

Measured from computed styles and boxes; each test also leaves screenshots in test-artifacts/
for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.demo_site import serving_site, sign_in
from tests.browser.live_server import LiveServer

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
VIDEO_LETTER = "/letters/on-writing-things-down"
FOOTER_BUTTON = {"en": "English", "de": "Deutsch"}
# What makes a control look like its neighbours (not its width, which its place decides).
LOOK = [
    "fontFamily",
    "fontSize",
    "lineHeight",
    "color",
    "backgroundColor",
    "paddingTop",
    "paddingRight",
    "paddingBottom",
    "paddingLeft",
    "borderTopWidth",
    "borderTopStyle",
    "borderTopColor",
    "borderLeftWidth",
    "borderLeftStyle",
    "borderTopLeftRadius",
]
STYLE_AND_BOX = """([selector, names]) => {
  const el = document.querySelector(selector);
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return { ...Object.fromEntries(names.map((name) => [name, style[name]])),
           left: box.left, top: box.top, right: box.right, bottom: box.bottom,
           width: box.width, height: box.height };
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The demo correspondences, one of them with a YouTube link in its P.S."""
    with serving_site(tmp_path_factory.mktemp("polish") / "site.sqlite") as server:
        yield server


def measure(page: Any, selector: str, names: list[str] = LOOK) -> dict[str, Any]:
    page.locator(selector).first.wait_for()
    return page.evaluate(STYLE_AND_BOX, [selector, names])


def use_language(page: Any, language: str) -> None:
    """Choose the account's language in the footer, unless it is the one already shown."""
    if page.get_attribute("html", "lang") != language:
        page.locator(".site-footer").get_by_role("button", name=FOOTER_BUTTON[language]).click()
        sync_api.expect(page.locator("html")).to_have_attribute("lang", language)


# Lines of the header: its name and the items of its navigation, grouped where they overlap
# vertically; and what of it is shown outside a phone's screen.
HEADER_ITEMS = """() => {
  const header = document.querySelector('.site-header');
  const boxes = [...header.querySelectorAll('.site-name, nav > ul > li')]
    .map((el) => el.getBoundingClientRect()).sort((a, b) => a.top - b.top);
  const rows = [];
  for (const box of boxes) {
    const row = rows.find((r) => box.top < r.bottom && box.bottom > r.top);
    if (row) row.bottom = Math.max(row.bottom, box.bottom);
    else rows.push({ top: box.top, bottom: box.bottom });
  }
  const sticksOut = (box) => box.left < 0 || box.right > innerWidth;
  const outside = [...header.querySelectorAll('*')].filter((el) => el.checkVisibility())
    .filter((el) => sticksOut(el.getBoundingClientRect())).map((el) => el.outerHTML.slice(0, 80));
  return { rows: rows.length, outside, scrollWidth: document.documentElement.scrollWidth };
}"""


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_signed_in_header_fits_a_phone_in_two_lines(site, new_context, artifacts, language):
    page = new_context(viewport=PHONE).new_page()
    sign_in(page, site.url, "sven@example.org")  # an admin: the most links of anyone
    use_language(page, language)
    page.goto(site.url + VIDEO_LETTER)
    header = page.evaluate(HEADER_ITEMS)
    page.screenshot(path=artifacts / f"polish-header-{language}-phone.png")
    assert header["rows"] <= 2, f"the header takes {header['rows']} lines"
    assert header["scrollWidth"] <= PHONE["width"] and header["outside"] == []
    # Drafts stay one click from the header, outside the account menu.
    drafts = {"en": "My drafts", "de": "Meine Entwürfe"}[language]
    sync_api.expect(page.locator(".site-header").get_by_role("link", name=drafts)).to_be_visible()

    # The rest is in the account menu, which opens inside the screen too.
    page.locator(".account-menu summary").click()
    sign_out = {"en": "Sign out", "de": "Abmelden"}[language]
    sync_api.expect(
        page.locator(".account-menu").get_by_role("button", name=sign_out)
    ).to_be_visible()
    page.screenshot(path=artifacts / f"polish-header-{language}-phone-menu.png")
    header = page.evaluate(HEADER_ITEMS)
    assert header["scrollWidth"] <= PHONE["width"] and header["outside"] == []
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=artifacts / f"polish-header-{language}-desktop-menu.png")


SWITCH = ".language-switch"
CHOICES = [f"{SWITCH} > :is(a, button)[lang=de]", f"{SWITCH} > :is(a, button)[lang=en]"]
CHOICE_LOOK = LOOK + ["fontWeight", "textDecorationLine", "textUnderlineOffset", "display"]


def language_switch(page: Any) -> list[dict[str, Any]]:
    measured = [measure(page, selector, CHOICE_LOOK) for selector in [SWITCH, *CHOICES]]
    return [{k: v for k, v in m.items() if k not in ("top", "bottom")} for m in measured]


def test_the_language_switch_looks_the_same_signed_in_and_signed_out(site, new_context, artifacts):
    reader = new_context(locale="en-GB").new_page()
    reader.goto(f"{site.url}/search")
    colleague = new_context(locale="en-GB").new_page()
    sign_in(colleague, site.url, "priya@example.org")  # her account reads English
    colleague.goto(f"{site.url}/search")
    reader.locator(SWITCH).screenshot(path=artifacts / "polish-language-signed-out.png")
    colleague.locator(SWITCH).screenshot(path=artifacts / "polish-language-signed-in.png")

    # Signed in, the choice is a form's button, since it changes the account.
    assert colleague.locator(f"{SWITCH} button").count() == 2
    assert language_switch(colleague) == language_switch(reader)


VIDEO = "https://www.youtube.com/watch?v=Qs7Gr5J2d1M"


def test_the_video_button_looks_like_the_sites_buttons_and_the_address_shows_once(
    site, new_context, artifacts
):
    page = new_context().new_page()
    sign_in(page, site.url, "priya@example.org")
    page.goto(site.url + VIDEO_LETTER)
    site_button = measure(page, ".letter-actions a.button")  # "Answer with a letter"
    video_button = measure(page, "button.video-load")
    page.locator(".postscript").screenshot(path=artifacts / "polish-video-desktop.png")

    same = [name for name in LOOK if name not in ("color", "backgroundColor", "borderTopColor")]
    assert {n: video_button[n] for n in same} == {n: site_button[n] for n in same}
    # A secondary button: the site's colour as its text and frame.
    assert video_button["color"] == video_button["borderTopColor"] == site_button["backgroundColor"]
    assert page.evaluate("document.body.innerText").count(VIDEO) == 1
    shown = page.locator(f'main a[href="{VIDEO}"]').filter(visible=True)
    assert shown.count() == 1, "the P.S. links the video once, with nothing linking it again"


def look(measured: dict[str, Any]) -> dict[str, Any]:
    return {name: measured[name] for name in LOOK} | {"height": round(measured["height"], 1)}


def test_the_search_field_looks_like_the_sites_other_text_fields(site, new_context, artifacts):
    page = new_context().new_page()
    page.goto(f"{site.url}/auth/login")
    text_field = measure(page, "form.narrow-form input[name=email]")
    page.goto(f"{site.url}/search?q=decisions")
    search_field = measure(page, "#search-q")
    button = measure(page, ".search-form button")
    page.screenshot(path=artifacts / "polish-search-desktop.png")

    assert look(search_field) == look(text_field)
    # Field and button side by side are one height, and the field takes the free width.
    assert round(button["height"], 1) == round(search_field["height"], 1)
    assert search_field["width"] > 2 * button["width"]


def test_the_title_finder_looks_like_the_other_settings_fields_of_the_write_form(
    site, new_context, artifacts
):
    page = new_context().new_page()
    sign_in(page, site.url, "priya@example.org")
    page.goto(f"{site.url}/letters/new")
    page.locator("#related-finder").fill("writing")
    page.locator(".related-suggestions button").first.wait_for()
    # The finder sits among the letter's settings, beside the tags field; the letter's own
    # fields above are styled as the letter they make.
    tags, finder = measure(page, "#tags"), measure(page, "#related-finder")
    label = measure(page, "label[for=related-finder]")
    page.locator(".related-finder").screenshot(path=artifacts / "polish-finder.png")

    assert look(finder) == look(tags)
    assert (finder["left"], finder["width"]) == (tags["left"], tags["width"])
    assert label["bottom"] <= finder["top"], "the label stands above its field, as elsewhere"


def test_fields_selects_and_buttons_of_a_form_share_one_height_and_the_sites_font(
    site, new_context, artifacts
):
    page = new_context().new_page()
    sign_in(page, site.url, "priya@example.org")
    page.goto(f"{site.url}/settings")
    text_field, select = measure(page, "#display_name"), measure(page, "#locale")
    button = measure(page, "form:has(#locale) button[type=submit]")
    picture = measure(page, "input[type=file]")
    body = measure(page, "body")
    page.screenshot(path=artifacts / "polish-settings-desktop.png", full_page=True)

    assert round(select["height"], 1) == round(text_field["height"], 1)
    assert round(button["height"], 1) == round(text_field["height"], 1)
    assert (picture["fontFamily"], picture["fontSize"]) == (body["fontFamily"], body["fontSize"])


def luminance(colour: str) -> float:
    """Relative luminance (WCAG 2) of a computed "rgb(r, g, b)" colour."""
    channels = [int(part) / 255 for part in colour[colour.index("(") + 1 : -1].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_danger_button_can_be_read(site, new_context, artifacts, scheme):
    page = new_context(color_scheme=scheme).new_page()
    sign_in(page, site.url, "sven@example.org")
    page.goto(f"{site.url}/letters/warum-wir-wieder-briefe-schreiben-sollten/withdraw")
    button = measure(page, "button.button.danger")
    page.screenshot(path=artifacts / f"polish-withdraw-{scheme}.png")

    assert contrast(button["color"], button["backgroundColor"]) >= 4.5
