"""The site's own forms, filled in Chromium as people fill them.

Each step that sends a form hands the page it lands on, with the server's response, to a
`Seen` callback: the page checkers look at what a form leads to, not only at pages reached
by a link.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from app.extensions import db
from app.notifications.sender import run_once
from tests.browser.live_server import LiveServer

# The page after a form was sent, the server's response to it, and a name for the page.
Seen = Callable[[Any, Any, str], None]


def ignore(_page: Any, _response: Any, _label: str) -> None:
    """For steps whose landing page another step shows the checkers already."""


def path_of(page: Any) -> str:
    return urlsplit(page.url).path


def submit(page: Any, control: Any, seen: Seen, label: str) -> Any:
    """Press a form's button; the page it leads to (after redirects) goes to `seen`."""
    with page.expect_navigation() as navigation:
        control.click()
    response = navigation.value
    seen(page, response, label)
    return response


def visit(page: Any, url: str, seen: Seen, label: str) -> Any:
    response = page.goto(url)
    seen(page, response, label)
    return response


@dataclass
class LetterFields:
    """What a writer types into the write form; empty fields are left as the form has them."""

    title: str
    body: str
    to: str = ""  # a colleague's handle
    outside: str = ""  # or the name of someone outside
    language: str = ""
    salutation: str = ""
    postscript: str = ""
    tags: str = ""
    related: str = ""


def fill_letter(page: Any, letter: LetterFields) -> None:
    if letter.to or letter.outside:
        page.select_option("#addressee", letter.to)
    if letter.outside:
        page.fill("#addressee_name", letter.outside)
    if letter.language:
        page.select_option("#language", letter.language)
    for field in ("title", "salutation", "body", "postscript", "tags", "related"):
        if value := getattr(letter, field):
            page.fill(f"#{field}", value)


def pick_related_letter(page: Any, words: str) -> None:
    """Find a letter by part of its title in the related finder; its permalink is added."""
    page.fill("#related-finder", words)
    page.locator(".related-suggestions button").first.click()


def press(page: Any, name: str, seen: Seen, label: str) -> Any:
    """One of the write form's buttons: preview, save (a draft) or publish."""
    return submit(page, page.locator(f"form.write-form [name={name}]"), seen, label)


def answer(page: Any, base: str, letter_path: str, body: str) -> str:
    """Answer a letter from its page, keeping what the answer form suggests; its path."""
    page.goto(base + letter_path)
    page.locator(".letter-actions a.button").click()  # "Answer with a letter"
    page.fill("#body", body)
    press(page, "publish", ignore, "")
    return path_of(page)


def follow(page: Any, url: str, email: str) -> None:
    """Subscribe with the form on a page (a colleague's, a tag's, a correspondence's)."""
    page.goto(url)
    box = page.locator(".subscribe-box")
    box.locator("input[type=email]").fill(email)
    submit(page, box.locator("button[type=submit]"), ignore, "")


def deliver(server: LiveServer) -> None:
    """What the sender does (`flask notify run --once`): here, into the development mailbox."""
    with server.app.app_context():
        run_once()
        db.session.remove()


def mail_links(admin: Any, base: str, recipient: str, pattern: str) -> list[str]:
    """The links matching `pattern` in the mails to `recipient`, oldest first, as an admin
    reads them in the development mailbox."""
    admin.goto(f"{base}/dev/mailbox")
    rows = admin.locator("table.mailbox tbody tr").filter(has_text=recipient)
    messages = [link.get_attribute("href") for link in rows.locator("a").all()]
    found = []
    for message in reversed(messages):
        admin.goto(base + message)
        found += re.findall(pattern, admin.locator("pre.mail-text").inner_text())
    return found
