"""The HTML part of a notice in Chromium as a careful mail client shows it: no remote content,
no JavaScript, and (like some clients) no styles. Everything that matters is there to read."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from tests.notifications.letter_samples import PARTS, VIDEO, full_letter, long_body
from tests.support import SITE_URL

EVERY_REQUEST_BUT_DATA = re.compile(r"^(?!data:)")


@pytest.fixture
def backend() -> str:
    return "sqlite"  # what a mail shows does not depend on the database


@pytest.fixture
def app(app_factory: Callable[..., Flask], mail_server: Any) -> Flask:
    return app_factory(**mail_server.settings)


def notice_to_svenja(language, make_user, make_letter, send_notices, mail_server, **fields):
    sven = make_user("Sven Albrecht")
    svenja = make_user("Svenja Köhler", email="svenja@example.org", locale=language)
    letter = make_letter(sven, svenja, **{**full_letter(language), **fields})
    send_notices()
    (mail,) = mail_server.inbox.to("svenja@example.org")
    return mail, f"{SITE_URL}/letters/{letter.slug}"


def shown_in_chromium(new_context: Callable[..., Any], html: str) -> tuple[Any, list[str]]:
    """The page of the HTML part, and every request it tried (each refused)."""
    context = new_context(java_script_enabled=False)
    tried: list[str] = []

    def refuse(route: Any) -> None:
        tried.append(route.request.url)
        route.abort()

    context.route(EVERY_REQUEST_BUT_DATA, refuse)
    page = context.new_page()
    page.set_content(html, wait_until="load")
    return page, tried


def without_styles(html: str) -> str:
    return re.sub(r' style="[^"]*"', "", html)


def letter_words(text: str) -> set[str]:
    """The words of a text, without list and quote marks and the "<url>" of a link."""
    words = set()
    for word in text.split():
        if re.fullmatch(r"<[^<>]+>[.,:;)]*", word):
            continue  # the address of a link, which the HTML shows as the link's text
        word = re.sub(r"[<>]", "", word).strip(".,:;()-")
        if word:
            words.add(word)
    return words


@pytest.mark.parametrize("styles", ["inline styles", "styles blocked"])
@pytest.mark.parametrize("language", ["en", "de"])
def test_the_whole_letter_reads_with_remote_content_blocked(
    language, styles, make_user, make_letter, send_notices, mail_server, new_context
):
    mail, permalink = notice_to_svenja(language, make_user, make_letter, send_notices, mail_server)
    html = mail.html if styles == "inline styles" else without_styles(mail.html)
    page, tried = shown_in_chromium(new_context, html)
    parts = PARTS[language]
    shown = page.locator("body").inner_text()
    ps = f"{parts['mark']} The talk I mentioned"
    for piece in (parts["salutation"], parts["opening"], "The last paragraph of the body.",
                  parts["closing"], parts["signature"], ps):  # fmt: skip
        assert piece in shown, piece
        assert page.get_by_text(piece).first.is_visible(), piece
    video = page.get_by_role("link", name=parts["watch"])
    assert video.is_visible() and video.get_attribute("href") == VIDEO
    assert page.get_by_role("link", name="our earlier letter").get_attribute("href") == (
        f"{SITE_URL}/letters/an-earlier-letter"
    )
    assert page.locator(f'a[href="{permalink}"]').first.is_visible()
    # Every word of the letter in the plain text part is on the screen too.
    text = mail.text.replace("\r\n", "\n")
    letter_text = text[text.index(parts["salutation"]) : text.index(parts["watch"])]
    missing = letter_words(letter_text) - letter_words(shown)
    assert not missing, missing
    assert tried == []  # nothing remote was even asked for: no image, font or style sheet


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_long_letter_shows_read_on_and_still_ends_as_a_letter(
    language, make_user, make_letter, send_notices, mail_server, new_context
):
    body, paragraphs = long_body(language)
    mail, permalink = notice_to_svenja(
        language, make_user, make_letter, send_notices, mail_server, body=body
    )
    page, tried = shown_in_chromium(new_context, mail.html)
    parts = PARTS[language]
    read_on = page.get_by_role("link", name=parts["read_on"], exact=True)
    assert read_on.is_visible() and read_on.get_attribute("href") == permalink
    shown = page.locator("body").inner_text()
    assert "Paragraph 1:" in shown and f"Paragraph {len(paragraphs)}:" not in shown
    for piece in (parts["closing"], parts["signature"], f"{parts['mark']} The talk I mentioned"):
        assert page.get_by_text(piece).first.is_visible(), piece
    assert page.get_by_role("link", name=parts["watch"]).is_visible()
    assert tried == []
