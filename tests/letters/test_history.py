"""The history of an edited letter: what each edit changed, word by word, newest first."""

from __future__ import annotations

import random
import re
import time

from tests.support import letter_form, sign_in


def publish_and_edit(client, author, *versions: dict[str, str]) -> str:
    """Publish the first version through the write form, then edit it into the others."""
    sign_in(client, author)
    response = client.post("/letters/new", data=letter_form(**versions[0]))
    assert response.status_code == 302
    slug = response.headers["Location"].rsplit("/", 1)[1]
    for version in versions[1:]:
        response = client.post(f"/letters/{slug}/edit", data=letter_form(**version))
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return slug


def history_of(client, slug: str) -> str:
    response = client.get(f"/letters/{slug}/history")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_history_marks_the_words_an_edit_removed_and_added(client, make_user):
    slug = publish_and_edit(
        client,
        make_user(),
        {"body": "We kept the old plan.\n\nSecond paragraph."},
        {"body": "We kept the new plan.\n\nSecond paragraph.", "closing": "Warm regards"},
    )
    page = history_of(client, slug)
    assert "We kept the <del>old</del><ins>new</ins> plan.\n\nSecond paragraph.</dd>" in page
    assert "<del>Best</del><ins>Warm regards</ins>" in page  # each field that changed
    assert "<dt>Closing</dt>" in page and "<dt>Title</dt>" not in page  # and only those


def test_history_shows_markup_typed_in_the_letter_as_text(client, make_user):
    slug = publish_and_edit(
        client,
        make_user(),
        {"body": "Try <script>alert(1)</script> here & <b>there</b>."},
        {"body": "Try <script>alert(2)</script> here & <b>there</b>.", "title": "On <i>ideas</i>"},
    )
    page = history_of(client, slug)
    assert "<script>alert" not in page and "<b>there" not in page and "<i>ideas" not in page
    assert "Try &lt;script&gt;alert(<del>1</del><ins>2</ins>)&lt;/script&gt; here &amp;" in page
    assert "<ins>&lt;i&gt;ideas&lt;/i&gt;</ins>" in page


def test_history_shows_the_newest_change_first(client, make_user):
    slug = publish_and_edit(
        client,
        make_user(),
        {"body": "Version one."},
        {"body": "Version two."},
        {"body": "Version three."},
    )
    page = history_of(client, slug)
    newest = page.index("<del>two</del><ins>three</ins>")
    oldest = page.index("<del>one</del><ins>two</ins>")
    assert newest < oldest
    assert "The newest change comes first." in page


def test_a_small_edit_of_a_long_letter_shows_the_change_in_its_context(client, make_user):
    paragraphs = [f"Paragraph {number} says something of its own." for number in range(300)]
    edited = list(paragraphs)
    edited[150] = "Paragraph 150 says something new of its own."
    slug = publish_and_edit(
        client, make_user(), {"body": "\n\n".join(paragraphs)}, {"body": "\n\n".join(edited)}
    )
    page = history_of(client, slug)
    assert "Paragraph 150 says something <ins>new </ins>of its own." in page
    assert "Paragraph 148 says" in page and "Paragraph 152 says" in page.split("<ins>")[1]
    assert re.search(r"\[… \d+ unchanged lines …\]", page)
    changes = page.split('<dd class="word-diff"')[1].split("</dd>")[0]
    assert "Paragraph 10 says" not in changes and "Paragraph 290 says" not in changes


def random_text(rng: random.Random, words: list[str], length: int) -> str:
    """One paragraph of words drawn at random, each of them often repeated: for difflib alone,
    comparing two of 100,000 characters takes minutes."""
    text = " ".join(rng.choice(words) for _ in range(length // 4))
    return text[:length].rsplit(" ", 1)[0]


def test_history_of_a_rewrite_of_100000_characters_renders_in_well_under_a_second(
    client, make_user
):
    rng = random.Random(10)
    words = [f"word{number}" for number in range(150)]
    first, second = random_text(rng, words, 100_000), random_text(rng, words, 100_000)
    slug = publish_and_edit(client, make_user(), {"body": first}, {"body": second})
    started = time.perf_counter()
    page = history_of(client, slug)
    elapsed = time.perf_counter() - started
    assert "<del>word" in page and "<ins>word" in page
    assert "Some passages changed too much to be compared word by word" in page
    assert elapsed < 2, f"the history took {elapsed:.2f} s"
