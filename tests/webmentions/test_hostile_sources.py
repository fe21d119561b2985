"""Sources that misbehave: loops, endless pages, slow servers, broken bytes and markup.

None of them stops the sender or reaches a page with a 500; what cannot be read is dropped,
what may answer later is tried again later.
"""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from app.database import utc_now
from app.extensions import db
from app.webmentions.models import MentionKind, MentionStatus, ReceivedWebmention
from tests.support import deliver_outbox
from tests.webmentions.sources import entry_page, letter_address, post_webmention


def mentions() -> list[ReceivedWebmention]:
    return list(db.session.scalars(select(ReceivedWebmention)))


@pytest.fixture
def target(make_user, make_letter) -> str:
    return letter_address(make_letter(make_user(), title="A letter").slug)


def test_a_redirect_loop_is_dropped(client, target, elsewhere):
    elsewhere.put("/a", status=302, headers={"Location": "/b"})
    elsewhere.put("/b", status=302, headers={"Location": elsewhere.url("/a")})
    post_webmention(client, elsewhere.url("/a"), target)
    deliver_outbox()
    assert mentions() == []
    assert elsewhere.gets_of("/a") == 1 and elsewhere.gets_of("/b") == 1


def test_five_redirects_are_followed_and_a_sixth_is_not(client, target, elsewhere):
    for hop in range(6):
        elsewhere.put(f"/hop{hop}", status=301, headers={"Location": f"/hop{hop + 1}"})
    elsewhere.put("/hop6", entry_page(target))
    post_webmention(client, elsewhere.url("/hop1"), target)  # five redirects to the page
    post_webmention(client, elsewhere.url("/hop0"), target)  # six

    deliver_outbox()

    (kept,) = mentions()
    assert kept.source == elsewhere.url("/hop1") and kept.kind == MentionKind.REPLY


def test_a_redirect_to_another_scheme_is_dropped(client, target, elsewhere):
    elsewhere.put("/away", status=302, headers={"Location": "file:///etc/passwd"})
    post_webmention(client, elsewhere.url("/away"), target)
    deliver_outbox()
    assert mentions() == []


def test_a_page_without_end_is_read_no_further_than_the_limit(client, target, elsewhere):
    elsewhere.put("/endless", endless=True)
    post_webmention(client, elsewhere.url("/endless"), target)
    began = time.monotonic()
    deliver_outbox()
    assert mentions() == []
    assert time.monotonic() - began < 10


def test_a_page_announced_too_big_is_not_read(client, target, elsewhere):
    headers = {"Content-Type": "text/html", "Content-Length": str(50 * 1024 * 1024)}
    elsewhere.put("/big", headers=headers)
    post_webmention(client, elsewhere.url("/big"), target)
    deliver_outbox()
    assert mentions() == []


@pytest.mark.parametrize("slowness", [{"delay": 2.0}, {"trickle": 0.2}])
def test_a_slow_server_is_tried_again_later(app, client, target, elsewhere, slowness):
    app.config["WEBMENTION_TIMEOUT_SECONDS"] = 1
    elsewhere.put("/slow", entry_page(target), **slowness)
    post_webmention(client, elsewhere.url("/slow"), target)
    began = time.monotonic()

    deliver_outbox()

    assert time.monotonic() - began < 8  # timeouts of 1 s: given up on within three
    (waiting,) = mentions()
    assert waiting.status == MentionStatus.CHECKING and waiting.attempts == 1
    assert waiting.due_at > utc_now() and waiting.last_error


def test_a_server_error_is_tried_again_and_then_the_answer_is_read(client, target, elsewhere):
    elsewhere.put("/flaky", entry_page(target), statuses=[503])
    post_webmention(client, elsewhere.url("/flaky"), target)
    deliver_outbox()
    (waiting,) = mentions()
    assert waiting.status == MentionStatus.CHECKING and "503" in waiting.last_error

    waiting.due_at = utc_now()  # the retry's time has come
    db.session.commit()
    deliver_outbox()

    assert mentions()[0].status == MentionStatus.WAITING


def test_invalid_utf8_and_a_wrong_charset_are_read_as_far_as_they_go(client, target, elsewhere):
    page = entry_page(target, title="Caf\xe9 \udcff").encode("utf-8", "surrogateescape")
    elsewhere.put("/bytes", page, headers={"Content-Type": "text/html; charset=no-such-charset"})
    post_webmention(client, elsewhere.url("/bytes"), target)
    deliver_outbox()
    (mention,) = mentions()
    assert mention.kind == MentionKind.REPLY and mention.title.startswith("Caf")


def test_malformed_microformats_give_what_can_be_read(client, target, elsewhere):
    page = f"""<div class="h-entry"><div><span class="p-author h-card">
      <a class="u-url" href="javascript:alert(1)">Eve</a></span>
      <time class="dt-published" datetime="the day after tomorrow">soon</time>
      <div class="e-content"><p>Unclosed <b>markup <i>everywhere<div></div>
      <a class="u-in-reply-to" href="{target}">x</a><a class="u-in-reply-to"></a>
      <data class="u-like-of" value="{target}"></data>
      <time class="dt-published" datetime="9999-12-31T23:59-05:00"></time>"""
    elsewhere.put("/broken", page)
    post_webmention(client, elsewhere.url("/broken"), target)
    deliver_outbox()
    (mention,) = mentions()
    assert mention.kind == MentionKind.REPLY and mention.published_at is None
    assert mention.author_name == "Eve" and mention.author_url == ""


def test_the_letter_page_shows_an_answer_whose_source_said_odd_things(client, target, elsewhere):
    long_title = "T" * 5000
    page = entry_page(target, title=long_title, content="<p>" + "word " * 20_000 + "</p>")
    elsewhere.put("/long", page)
    post_webmention(client, elsewhere.url("/long"), target)
    deliver_outbox()
    (mention,) = mentions()
    assert len(mention.title) == 300 and len(mention.content_html.encode()) < 7000
