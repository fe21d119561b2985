"""Rendering a 100 KB body, however hostile its Markdown, takes well under a second.

Times are CPU seconds of the rendering thread (best of three), so that other processes on a
busy test machine do not decide the outcome; the work itself must stay under the limit.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from app.letters.rendering import find_video_embeds, plain_excerpt, render_markdown
from tests.security.conftest import letter_form

LIMIT_SECONDS = 1.0
KB_100 = 100_000
ORDINARY_PARAGRAPH = (
    "Liebe Svenja, *danke* für deinen Brief und den [Link](https://example.org/a). "
    "Hier sind **drei** Gedanken dazu, mit `Code` und einer Liste:\n\n- eins\n- zwei\n\n"
)


def hostile_bodies() -> dict[str, str]:
    return {
        "open brackets": "[" * 50_000,
        "open brackets, 100 KB": "[" * KB_100,
        "open images": "![" * 50_000,
        "nested links": "[" * 50_000 + "a" + "](b)" * 12_500,
        "unfinished links": "[a](" * 25_000,
        "balanced brackets": "[" * 50_000 + "]" * 50_000,
        "labels and references": "[[]" * 33_334,
        "reference chains": "[a][" * 25_000,
        "unfinished images": "![a](" * 20_000,
        "brackets and emphasis": "[*" * 50_000,
        "nested blockquotes": ">" * 10_000,
        "nested blockquotes, 100 KB": ">" * KB_100,
        "blockquote staircase": "\n".join(">" * depth for depth in range(1, 440)),
        "nested lists": "- " * 50_000,
        "emphasis": "*a " * 33_333,
        "strong emphasis": "**a" * 33_334,
        "emphasis nesting": "*" * 50_000 + "a" + "*" * 49_999,
        "backticks": "`a``" * 25_000,
        "entities": "&#" * 50_000,
        "angle brackets": "<" * KB_100,
        "autolinks": "<http://a" * 11_000,
        "tables": "|a" * 25_000 + "\n" + "|-" * 25_000,
        "video links": "https://www.youtube.com/watch?" * 3_300,
        "ordinary letter": ORDINARY_PARAGRAPH * (KB_100 // len(ORDINARY_PARAGRAPH)),
    }


def seconds(work: Callable[[], object]) -> float:
    """The best of up to three runs: the work's cost, not the other processes on the machine."""
    best = float("inf")
    for _attempt in range(3):
        start = time.thread_time()
        work()
        best = min(best, time.thread_time() - start)
        if best < LIMIT_SECONDS / 2:
            break
    return best


@pytest.mark.parametrize("name", list(hostile_bodies()))
def test_rendering_a_hostile_100kb_body_takes_well_under_a_second(name):
    body = hostile_bodies()[name][:KB_100]
    taken = seconds(lambda: (render_markdown(body), plain_excerpt(body), find_video_embeds(body)))
    assert taken < LIMIT_SECONDS, f"{name}: {taken:.2f} s"


def test_deep_nesting_keeps_the_text_after_it():
    html = render_markdown(">" * 10_000 + "\n\nThe letter goes on.")
    assert "<p>The letter goes on.</p>" in html


def test_saving_and_showing_a_hostile_letter_is_quick(client, writer):
    body = ("[" * 30_000 + "\n\n" + ">" * 10_000 + "\n\n" + "![" * 20_000)[:KB_100]
    postscript = "https://www.youtube.com/watch?" * 600

    def save() -> None:
        data = letter_form(body=body, postscript=postscript)
        assert client.post("/letters/new", data=data).status_code == 302

    assert seconds(save) < LIMIT_SECONDS
    page = client.get("/letters/on-listening")
    assert page.status_code == 200
    assert seconds(lambda: client.get("/letters/on-listening")) < LIMIT_SECONDS / 4
