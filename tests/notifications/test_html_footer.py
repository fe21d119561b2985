"""What a mail client shows of the HTML part: sentences and links do not run together."""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest

from app.database import utc_now
from app.extensions import db
from app.notifications.digests import queue_due_digests
from app.subscriptions.models import Frequency, Target

UNSUBSCRIBE = ("Unsubscribe with one click", "Mit einem Klick abbestellen")

# Elements a mail client starts on a new line; everything else runs on in the same line.
BREAKS = {"br", "p", "div", "li", "h1", "h2", "h3", "blockquote", "table", "tr"}


class VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, _attrs: object) -> None:
        if tag in BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def shown(html: str) -> str:
    """The text of an HTML part as a mail client lays it out (whitespace folded)."""
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(" ".join(line.split()) for line in "".join(parser.parts).splitlines())


@pytest.mark.parametrize("locale", ["de", "en"])
@pytest.mark.parametrize("who", ["colleague", "subscriber", "digest"])
def test_the_email_footer_reads_as_sentences(
    who, locale, make_user, make_letter, subscribe, send_notices, mail_server
):
    author = make_user("Sven Albrecht")
    reader = make_user("Svenja Köhler", email="svenja@example.org", locale=locale)
    if who == "subscriber":
        subscribe("reader@example.org", Target.SITE, locale=locale)
    if who == "digest":
        subscribe("reader@example.org", Target.SITE, frequency=Frequency.DAILY, locale=locale)
    make_letter(author, reader if who == "colleague" else None, title="Warum Briefe")
    send_notices()
    if who == "digest":
        queue_due_digests(utc_now() + timedelta(days=1))
        db.session.commit()
        send_notices()
    (mail,) = mail_server.inbox.mails
    text = shown(mail.html)
    assert re.search(r"[a-zäöüß]\.[A-ZÄÖÜ]", text) is None, text  # "…hast.Mit einem Klick"
    lines = [line for line in text.splitlines() if line]
    links = next(n for n, line in enumerate(lines) if line.startswith(UNSUBSCRIBE))
    assert lines[links - 1].endswith("."), lines[links - 1]
