"""A word nearly every letter has: the search ranks the newest BOUND letters with it and says
that more were found, so that it costs the same however many letters the site holds."""

from __future__ import annotations

import pytest

from app.discovery import search, search_postgres


@pytest.fixture
def bound_of_three(monkeypatch):
    monkeypatch.setattr(search, "BOUND", 3)
    monkeypatch.setattr(search_postgres, "BOUND", 3)


def test_a_common_word_shows_the_best_of_the_newest_and_says_there_are_more(
    client, make_user, make_letter, bound_of_three
):
    anna, bert = make_user("Anna"), make_user("Bert")
    for number in range(5):
        make_letter(anna, bert, title=f"Meetings {number}", body="We talk about meetings.")
    make_letter(anna, bert, title="Budget", body="Only about money.")
    page = client.get("/search?q=meetings").get_data(as_text=True)
    assert "More than 3 letters found." in page
    assert "Meetings 4" in page and "Meetings 3" in page and "Meetings 2" in page
    assert "Meetings 0" not in page  # older than the newest three
    # A word of fewer letters than the bound is counted exactly.
    assert "1 letter found." in client.get("/search?q=money").get_data(as_text=True)


def test_a_name_and_a_common_word_find_the_letters_of_that_person(
    client, make_user, make_letter, bound_of_three
):
    anna, bert, clara = make_user("Anna"), make_user("Bert"), make_user("Clara Neumann")
    make_letter(clara, anna, title="From Clara", body="About meetings.")
    for number in range(5):
        make_letter(anna, bert, title=f"Meetings {number}", body="We talk about meetings.")
    page = client.get("/search?q=Neumann+meetings").get_data(as_text=True)
    assert "1 letter found." in page and "From Clara" in page


def test_the_newest_letters_with_a_word_are_found_behind_many_newer_ones_without_it(
    client, make_user, make_letter, bound_of_three
):
    anna, bert = make_user("Anna"), make_user("Bert")
    for number in range(4):
        make_letter(anna, bert, title=f"Meetings {number}", body="We talk about meetings.")
    for number in range(20):
        make_letter(anna, bert, title=f"Budget {number}", body="Only about money.")
    page = client.get("/search?q=meetings").get_data(as_text=True)
    assert "More than 3 letters found." in page
    assert "Meetings 3" in page and "Meetings 2" in page and "Meetings 1" in page
    assert "Meetings 0" not in page
    page = client.get("/search?q=money+budget").get_data(as_text=True)
    assert "More than 3 letters found." in page and "Budget 19" in page
