"""Full-text search: one function, SQLite FTS5 and PostgreSQL, safe with any input."""

from __future__ import annotations

import time

import pytest

from app.discovery.search import search_terms
from tests.support import sign_in


@pytest.fixture
def letters(client, make_user, make_letter):
    anna, bert = make_user("Anna"), make_user("Bert")
    make_letter(
        anna,
        bert,
        title="Über die Transformation",
        language="de",
        body="Die Transformationen unserer Abteilungen brauchen Zeit und Geduld.",
    )
    make_letter(
        bert,
        anna,
        title="Remote decisions",
        body="We write every decision down. <script>alert(1)</script> trust grows.",
    )
    make_letter(anna, bert, title="Draft about decisions", body="decisions", publish=False)
    return anna, bert


def test_search_ranks_published_letters_and_highlights_hits(client, letters):
    page = client.get("/search?q=decision").get_data(as_text=True)
    assert "Remote decisions" in page and "Draft about decisions" not in page
    assert "1 letter found." in page
    assert "<mark>" in page


def test_search_highlight_never_executes_letter_html(client, letters):
    page = client.get("/search?q=write").get_data(as_text=True)
    assert "<mark>write</mark>" in page
    assert "<script>alert(1)</script>" not in page  # escaped (SQLite) or dropped (PostgreSQL)


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "*",
        "NEAR",
        "a NEAR b",
        "-decision",
        "OR",
        "decision OR",
        '"unclosed',
        "(",
        ")",
        "^",
        "col:decision",
        "decision*",
        "' OR 1=1 --",
        "\u00ad",
        "🙂",
    ],
)
def test_operator_laden_queries_give_a_clear_result(client, letters, query):
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "found." in text or "no words to look for" in text


def test_empty_and_huge_queries(client, letters):
    assert client.get("/search").status_code == 200
    assert client.get("/search?q=").status_code == 200
    huge = client.get("/search", query_string={"q": "word " * 200})
    assert huge.status_code == 400
    assert "at most 500 characters" in huge.get_data(as_text=True)


def test_search_paginates(client, make_user, make_letter):
    author = make_user()
    for number in range(13):
        make_letter(author, None, title=f"Gardening letter {number}", body="About gardening.")
    first = client.get("/search?q=gardening").get_data(as_text=True)
    assert "13 letters found." in first and "Page 1 of 2" in first
    second = client.get("/search?q=gardening&page=2").get_data(as_text=True)
    assert second.count('<li lang="en">') == 3


def test_withdrawn_letter_leaves_the_search(client, make_user, make_letter):
    author = make_user()
    letter = make_letter(author, None, title="Ephemeral thoughts")
    assert "1 letter found." in client.get("/search?q=ephemeral").get_data(as_text=True)
    sign_in(client, author)
    client.post(f"/letters/{letter.slug}/withdraw")
    assert "0 letters found." in client.get("/search?q=ephemeral").get_data(as_text=True)


def test_edited_letter_is_found_by_its_new_words(client, make_user, make_letter):
    author = make_user()
    letter = make_letter(author, None, title="Before", body="original wording")
    sign_in(client, author)
    client.post(
        f"/letters/{letter.slug}/edit",
        data={
            "addressee": "",
            "addressee_name": "Someone Outside",
            "language": "en",
            "title": "After",
            "body": "rewritten sentences",
            "signature": "A",
            "publish": "1",
        },
    )
    assert "1 letter found." in client.get("/search?q=rewritten").get_data(as_text=True)
    assert "0 letters found." in client.get("/search?q=original").get_data(as_text=True)


def test_german_inflections_are_found(client, letters):
    page = client.get("/search?q=Transformation").get_data(as_text=True)
    assert "Über die Transformation" in page
    assert "<mark>Transformationen</mark>" in page


@pytest.fixture
def repetitive_letters(make_user, make_letter):
    """The hostile tester's letters: one short word 33,000 times, and 4,900 one-letter cells."""
    author = make_user()
    make_letter(author, None, title="Repetition", body="zq " * 33_000)
    make_letter(author, None, title="Cells", body="|" + "x|" * 4_900 + "\n|" + "-|" * 4_900)


def timed_search(client, query: str):
    started = time.perf_counter()
    response = client.get("/search", query_string={"q": query})
    return response, time.perf_counter() - started


@pytest.mark.parametrize(
    "query", ["zq", "zq zq", "zq zq zq", "x", "x x x", "zq repetition", "zq colleague"]
)
def test_search_over_a_repeated_word_answers_within_a_second(client, repetitive_letters, query):
    # A search that finds nothing, timed beside it: on a machine slowed by other work the
    # second grows with it, so that only the cost of the repetition can fail the test.
    quiet_page = timed_search(client, "nothing-is-called-this")[1]
    # The faster of two tries: a cost of the repetition shows in both, a pause of the
    # machine (another process, a collection) in one.
    response, elapsed = min(timed_search(client, query), timed_search(client, query),
                            key=lambda timed: timed[1])  # fmt: skip
    assert response.status_code == 200
    allowed = max(1.0, 25 * quiet_page)
    assert elapsed < allowed, f"/search?q={query} took {elapsed:.2f} s (allowed {allowed:.2f} s)"
    assert "<mark>" in response.get_data(as_text=True)


def test_repeated_query_words_are_searched_once():
    assert search_terms("zq ZQ zq Zq") == ["zq"]
    assert search_terms("trust zq trust") == ["trust", "zq"]


def test_snippet_shows_the_text_not_the_markdown(client, make_user, make_letter):
    make_letter(
        make_user(), None, title="Habits", body="Man wählt **eine** Gewohnheit und `übt` sie."
    )
    page = client.get("/search?q=gewohnheit").get_data(as_text=True)
    assert "Man wählt eine <mark>Gewohnheit</mark> und übt sie." in page
    assert "**" not in page and "`" not in page


def test_snippet_reads_only_the_beginning_of_a_long_letter(client, make_user, make_letter):
    far_away = "filler " * 5_000 + "needle"  # the one hit lies past what snippets read
    make_letter(make_user(), None, title="Haystack", body=far_away)
    page = client.get("/search?q=needle").get_data(as_text=True)
    assert "1 letter found." in page
    assert '<p class="snippet">filler filler' in page and "<mark>" not in page


def test_letter_text_cannot_forge_a_highlight(client, make_user, make_letter):
    make_letter(make_user(), None, title="Marks", body="plain \x02forged\x03 words and trust")
    page = client.get("/search?q=trust").get_data(as_text=True)
    assert "<mark>forged</mark>" not in page and "<mark>trust</mark>" in page


def test_anonymous_search_is_rate_limited_per_address(app_factory, make_user):
    app = app_factory(RATELIMIT_ENABLED=True, SEARCH_LIMIT_PER_IP="3 per minute")
    reader = app.test_client()
    answers = [reader.get("/search?q=letters").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    neighbour = app.test_client()
    assert (
        neighbour.get("/search?q=letters", environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code
        == 200
    )
