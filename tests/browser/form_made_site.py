"""A site whose content is made as people make it: through its own forms, in Chromium.

Sven writes to someone outside and then to Svenja: Markdown, a video in the P.S., tags with
umlauts, related discussions (an outside link, and a letter found by its title). Svenja
answers, Priya answers her; a reader follows Sven, a tag and the correspondence, confirms
from the development mailbox, and leaves the correspondence from a notice. Priya withdraws
a letter, Sven edits his and sets up his profile and notices.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.browser.demo_site import sync_api
from tests.browser.live_server import LiveServer
from tests.browser.site_forms import (
    LetterFields,
    Seen,
    answer,
    deliver,
    fill_letter,
    follow,
    ignore,
    mail_links,
    path_of,
    pick_related_letter,
    press,
    submit,
    visit,
)

# A browser page for a colleague, signed in (by email address), or for a reader (None).
OpenPage = Callable[[str | None], Any]
READER = "reader@example.org"
FIRST_TITLE = "Über Entscheidungen in Ruhe"
TITLE = "On deciding in writing"
SEARCH = "/search?q=deciding"
BODY = """we decide too quickly in meetings. Three things I would *like* to try:

- write the **decision** down first, as [my earlier letter]({first}) suggested
- give everyone a day to read it
- meet only when the notes leave questions

## What changes for the team

> Writing is how we find out what we think.

Our notes start with `Decision:` and a date:

```
Decision: meet less
Date: 2 May
```

| before | after |
| --- | --- |
| a meeting | a letter |
"""


def write_letters(sven: Any, base: str, seen: Seen) -> dict[str, str]:
    """Sven writes to someone outside, then to Svenja with Markdown, tags and related links."""
    sven.goto(f"{base}/letters/new")
    fill_letter(sven, LetterFields(
        FIRST_TITLE, "wir entscheiden zu *schnell*.", outside="das ganze Team",
        language="de", salutation="Liebes Team,", tags="Führung",
    ))  # fmt: skip
    press(sven, "publish", seen, "made-published")
    first = path_of(sven)
    sven.goto(f"{base}/letters/new?to=svenja")
    fill_letter(sven, LetterFields(
        TITLE, BODY.format(first=base + first), language="en",
        postscript="A talk about it: https://www.youtube.com/watch?v=Qs7Gr5J2d1M",
        tags="Führung, Transformation, Writing",
        related="https://example.org/panel Panel at re:publica",
    ))  # fmt: skip
    pick_related_letter(sven, "Ruhe")
    press(sven, "preview", seen, "made-preview")
    press(sven, "publish", ignore, "")
    expect_everything_written(sven)
    return {"letter-de": first, "letter": path_of(sven)}


def expect_everything_written(page: Any) -> None:
    """The letter shows what its form was given: Markdown, a video, tags, related links."""
    expect = sync_api.expect
    body = page.locator("article.letter .letter-body")
    for element in ("ul li", "a", "em", "strong", "h2", "blockquote", "code", "pre", "table"):
        expect(body.locator(element).first).to_be_visible()
    expect(page.locator(".postscript .video-embed")).to_have_count(1)
    expect(page.locator(".tag-list li")).to_have_count(3)
    expect(page.locator("section.related li")).to_have_count(2)  # a letter, an outside link


def withdraw_a_letter(priya: Any, base: str, seen: Seen) -> str:
    """Priya saves a draft, publishes it from its page, then withdraws it after confirming."""
    priya.goto(f"{base}/letters/new?to=sven")
    fill_letter(priya, LetterFields("Ein Gedanke, den ich zurückziehe", "Doch nicht.", to="sven"))
    press(priya, "save", seen, "made-draft")
    submit(priya, priya.locator(".letter-actions form button.button"), ignore, "")
    submit(priya, priya.locator(".letter-actions a.danger"), seen, "made-confirm-withdraw")
    submit(priya, priya.locator("main form button.danger"), seen, "made-withdrawn")
    return path_of(priya)


def follow_and_confirm(server: LiveServer, reader: Any, sven: Any, paths: dict, seen: Seen) -> None:
    """The reader follows Sven, a tag and the correspondence; confirms from the mailbox."""
    base = server.url
    follow(reader, f"{base}/@sven", READER)
    reader.goto(base + paths["letter"])
    paths["tag"] = reader.locator(".category a").get_attribute("href")
    follow(reader, base + paths["tag"], READER)
    follow(reader, base + paths["thread"], READER)
    deliver(server)
    confirmations = mail_links(sven, base, READER, r"\S+/subscribe/confirm/\S+")
    assert len(confirmations) == 3, confirmations
    for number, link in enumerate(confirmations):
        shown = seen if number == 0 else ignore
        visit(reader, link, shown, "made-confirm")
        submit(reader, reader.get_by_role("button", name="Yes, subscribe"), shown, "made-confirmed")
    paths["confirm"] = path_of(reader)
    sven.goto(f"{base}/dev/mailbox")
    paths["mail"] = sven.locator("table.mailbox a").last.get_attribute("href")
    submit(reader, reader.get_by_role("link", name="Manage your subscriptions"), ignore, "")
    paths["manage"] = path_of(reader)
    tag = reader.locator(".subscription-list > li").filter(has_text="Führung")
    tag.locator("select").select_option("weekly")
    submit(reader, tag.locator("form button").first, seen, "made-manage-saved")


def unsubscribe_from_a_notice(reader: Any, sven: Any, base: str, paths: dict, seen: Seen) -> None:
    """The reader leaves the correspondence from the link in the notice of its new letter."""
    notices = mail_links(sven, base, READER, r"\S+/unsubscribe/\S+")
    assert len(notices) == 1, notices  # the confirmations carry no unsubscribe link
    paths["notice"] = path_of(sven)  # the newest mail to the reader, the last one read
    visit(reader, notices[0], seen, "made-unsubscribe")
    paths["unsubscribe"] = path_of(reader)
    submit(reader, reader.locator("main form button"), seen, "made-unsubscribed")


def edit_and_set_up(sven: Any, base: str, paths: dict, seen: Seen) -> None:
    """Sven edits his published letter, fills in his profile, and chooses his notices."""
    sven.goto(f"{base}{paths['letter']}/edit")
    sven.fill("#body", sven.input_value("#body") + "\nAnd one more *thought*, added later.")
    press(sven, "publish", ignore, "")
    sven.goto(f"{base}/settings")
    sven.fill("#role_line", "Managing director")
    sven.fill("#bio", "Runs the company; writes about [decisions](https://example.org/d).")
    submit(sven, sven.get_by_role("button", name="Save profile"), ignore, "")
    sven.goto(f"{base}/settings/notifications")
    sven.uncheck("#threads_i_wrote_in")
    submit(sven, sven.locator("main form button[type=submit]"), seen, "made-notices-saved")


def make_content(server: LiveServer, open_page: OpenPage, seen: Seen) -> tuple[dict, dict]:
    """Everything through the forms; the paths of its pages, and Sven's and a reader's page."""
    base = server.url
    sven, reader = open_page("sven@example.org"), open_page(None)
    paths = write_letters(sven, base, seen)
    svenja = open_page("svenja@example.org")
    paths["reply"] = answer(svenja, base, paths["letter"], "Agreed. *Let us* try it.")
    paths["thread"] = paths["letter"].replace("/letters/", "/threads/")
    follow_and_confirm(server, reader, sven, paths, seen)
    priya = open_page("priya@example.org")
    paths["reply-to-reply"] = answer(priya, base, paths["reply"], "1. read\n2. answer")
    deliver(server)
    unsubscribe_from_a_notice(reader, sven, base, paths, seen)
    paths["withdrawn"] = withdraw_a_letter(priya, base, seen)
    edit_and_set_up(sven, base, paths, seen)
    reader.goto(base + SEARCH)
    sync_api.expect(reader.locator(".search-results > li")).not_to_have_count(0)
    return paths, {"sven": sven, "reader": reader}
