"""Every page type passes axe-core in Chromium, in English and German, light and dark.

Also: keyboard users reach every control with a visible focus, and a printed letter looks
like a letter.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.axe_checks import Axe
from tests.browser.demo_site import serving_demo, sign_in
from tests.browser.live_server import PageLog
from tests.page_types import AXE_JS, AXE_MISSING

pytestmark = [
    pytest.mark.skipif(not AXE_JS.exists(), reason=AXE_MISSING),
]

LOCALES = {"en": "en-GB", "de": "de-DE"}
FOOTER_BUTTON = {"en": "English", "de": "Deutsch"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One live server with the demo data for the whole module."""
    with serving_demo(tmp_path_factory.mktemp("a11y") / "demo.sqlite") as served:
        yield served


def check_form_states(axe: Axe, base_url: str) -> None:
    """A flash message after saving; the write form with field errors, then a preview."""
    page = axe.page
    page.goto(f"{base_url}/settings/notifications")
    page.locator("form.narrow-form button[type=submit]").click()
    page.locator(".flash-success").wait_for()
    axe.check("notice settings saved")
    page.goto(f"{base_url}/letters/new")
    page.locator(
        "form.write-form button[name=publish], form.write-form input[name=publish]"
    ).click()
    page.locator(".field-error").first.wait_for()
    axe.check("write form with errors")
    page.locator("#title").fill("A title")
    page.locator("#body").fill("Some **bold** words and [a link](https://example.org/).")
    page.locator("form.write-form [name=preview]").click()
    page.locator("section.preview").wait_for()
    axe.check("write form with preview")


@pytest.mark.parametrize("language", ["en", "de"])
def test_every_page_type_has_no_axe_violations(browser, demo, language):
    server, pages = demo
    log = PageLog()
    # bypass_csp: axe is injected as an inline script, which the site's CSP rightly refuses.
    context = browser.new_context(locale=LOCALES[language], bypass_csp=True)
    log.watch(context)
    page = context.new_page()
    axe = Axe(page, language)
    for path in pages.anonymous.values():
        axe.visit(server.url, path)

    sign_in(page, server.url, "sven@example.org")
    page.locator(".site-footer").get_by_role("button", name=FOOTER_BUTTON[language]).click()
    for path in pages.signed_in.values():
        axe.visit(server.url, path)
    check_form_states(axe, server.url)
    context.close()

    assert log.outside == [], "pages made requests that left 127.0.0.1"
    assert axe.violations == [], "\n".join(axe.violations)


FOCUSABLE = """() => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, iframe, '
    + 'summary, [tabindex]:not([tabindex="-1"])';
  const elements = [...document.querySelectorAll(selector)].filter(
    (el) => !el.disabled && el.checkVisibility({ visibilityProperty: true })
  );
  // Of a group of radio buttons only one is a tab stop; arrow keys move within the group.
  const seen = new Set();
  return elements.map((el) => {
    const key = el.type === 'radio' ? `radio:${el.name}` : `${el.tagName}#${elements.indexOf(el)}`;
    el.dataset.keyboardStop = key;
    return key;
  }).filter((key) => !seen.has(key) && seen.add(key));
}"""
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  return {
    key: el.dataset.keyboardStop || el.outerHTML.slice(0, 80),
    text: (el.textContent || el.name || el.id).trim().slice(0, 40),
    focusVisible: el.matches(':focus-visible'),
    outline: style.outlineStyle === 'none' ? 0 : parseFloat(style.outlineWidth),
    inViewport: el.getBoundingClientRect().left >= 0 && el.getBoundingClientRect().top >= 0,
    inMain: !!el.closest('main'),
  };
}"""


def tab_through(page: Any) -> list[dict[str, Any]]:
    """Press Tab until focus leaves the page; what had the focus, in order."""
    stops = page.evaluate(FOCUSABLE)
    page.locator("body").focus()
    visited: list[dict[str, Any]] = []
    for _ in range(len(stops) + 3):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None or (visited and focused["key"] == visited[0]["key"]):
            break
        visited.append(focused)
    missed = set(stops) - {stop["key"] for stop in visited}
    assert not missed, f"{page.url}: Tab never reaches {sorted(missed)}"
    return visited


def check_skip_link(page: Any) -> None:
    page.locator("body").focus()
    page.keyboard.press("Tab")
    first = page.evaluate(FOCUSED)
    assert first["text"] in ("Skip to content", "Zum Inhalt springen"), first
    assert first["inViewport"], "the skip link stays off screen when focused"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["inMain"], "after the skip link, Tab goes into <main>"


def test_keyboard_reaches_every_control_with_a_visible_focus(browser, demo):
    server, _pages = demo
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    sign_in(page, server.url, "sven@example.org")
    for path in ("/letters/new", "/letters/warum-wir-wieder-briefe-schreiben-sollten"):
        page.goto(server.url + path)
        for stop in tab_through(page):
            assert stop["focusVisible"] and stop["outline"] >= 2, f"{path}: no focus ring {stop}"
        check_skip_link(page)
    context.close()


PRINTED = """() => {
  const shown = (el) => el.checkVisibility({ visibilityProperty: true });
  const outside = [...document.querySelectorAll('main a[href^="http"]')].filter(shown);
  const text = document.querySelector('.letter-text');
  return {
    hidden: [...document.querySelectorAll('.site-header, .site-footer, nav, .skip-link')]
      .filter(shown).map((el) => el.outerHTML.slice(0, 60)),
    letterShown: shown(text) && text.innerText.includes('Dear Sven'),
    urls: outside.map((a) => [a.href, getComputedStyle(a, '::after').content]),
    colours: [...document.querySelectorAll('.letter, .letter :not(img)')].filter(shown)
      .map((el) => {
        const style = getComputedStyle(el);
        return [el.className || el.tagName, style.color, style.backgroundColor];
      }),
  };
}"""
DARK_ON_PAPER = ("rgb(0, 0, 0)", "rgb(68, 68, 68)")  # what ink may print as
NO_BACKGROUND = ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_printed_letter_shows_the_letter_and_its_links_without_navigation(browser, demo, scheme):
    server, _pages = demo
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(f"{server.url}/letters/on-writing-things-down")
    page.emulate_media(media="print", color_scheme=scheme)
    printed = page.evaluate(PRINTED)
    context.close()

    assert printed["hidden"] == [], "header, footer and navigation do not print"
    assert printed["letterShown"]
    assert len(printed["urls"]) >= 3  # a link in the body, the video in the P.S., a related one
    for href, after in printed["urls"]:
        assert href in after, f"a printed link to {href} does not show its address"
    # Printed from a browser in dark mode, the letter is still dark ink on white paper.
    for name, colour, background in printed["colours"]:
        assert colour in DARK_ON_PAPER and background in NO_BACKGROUND, (name, colour, background)


MOVING = """() => [...document.querySelectorAll('*')].flatMap((el) =>
  [null, '::before', '::after'].map((pseudo) => [el, getComputedStyle(el, pseudo)])
).filter(([, s]) => s.transitionDuration.split(', ').some((d) => parseFloat(d) > 0)
  || s.animationName !== 'none' || s.scrollBehavior === 'smooth'
).map(([el]) => el.outerHTML.slice(0, 80))"""
# Stands for any motion a later change might add; the reduced-motion rule must win over it.
LATER_MOTION = "a, button { transition: color 0.3s; } .letter { animation: fade 1s infinite; }"


def test_reduced_motion_turns_off_every_transition_and_animation(browser, demo):
    server, pages = demo
    # bypass_csp: the stand-in style is inline, which the site's CSP refuses.
    context = browser.new_context(locale="en-GB", reduced_motion="reduce", bypass_csp=True)
    page = context.new_page()
    for name in ("front", "letter", "thread"):
        page.goto(server.url + pages.anonymous[name])
        assert page.evaluate(MOVING) == [], f"{name} moves"
        page.add_style_tag(content=LATER_MOTION)
        assert page.evaluate(MOVING) == [], f"{name} moves once a transition is added"
    page.emulate_media(reduced_motion="no-preference")
    assert page.evaluate(MOVING) != [], "the stand-in motion shows without the preference"
    context.close()
