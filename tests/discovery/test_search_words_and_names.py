"""Search finds word forms and people's names, on SQLite as on PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.extensions import db
from tests.support import sign_in


def found(client, query: str) -> str:
    return client.get("/search", query_string={"q": query}).get_data(as_text=True)


@pytest.mark.parametrize(
    ("written", "searched"),
    [("Transformation", "Transformationen"), ("Transformationen", "Transformation")],
)
def test_a_german_word_form_finds_the_other(client, make_user, make_letter, written, searched):
    make_letter(make_user(), None, title="Wandel", language="de",
                body=f"Die {written} braucht Zeit.")  # fmt: skip
    page = found(client, searched)
    assert "1 letter found." in page
    assert f"<mark>{written}</mark>" in page


@pytest.mark.parametrize(("written", "searched"), [("review", "reviews"), ("reviews", "review")])
def test_an_english_word_form_finds_the_other(client, make_user, make_letter, written, searched):
    make_letter(make_user(), None, title="Habits", body=f"We {written} every decision twice.")
    page = found(client, searched)
    assert "1 letter found." in page
    assert f"<mark>{written}</mark>" in page


def test_a_query_in_one_language_finds_letters_in_both(client, make_user, make_letter):
    author = make_user()
    make_letter(author, None, title="Wandel", language="de", body="Die Meetings sind zu lang.")
    make_letter(author, None, title="Change", body="Our meeting was too long.")
    assert "2 letters found." in found(client, "meetings")


def test_english_words_in_a_german_letter_are_found_by_their_english_forms(
    backend, client, make_user, make_letter
):
    if backend == "postgres":
        pytest.skip("PostgreSQL stems a letter in the letter's language only")
    make_letter(make_user(), None, title="Abläufe", language="de",
                body="Die Reviews dauern zu lange.")  # fmt: skip
    page = found(client, "review")
    assert "1 letter found." in page
    assert "<mark>Reviews</mark>" in page


@pytest.fixture
def correspondents(make_user, make_letter):
    svenja, sven = make_user("Svenja Hartmann"), make_user("Sven Bauer")
    make_letter(svenja, sven, title="On change", body="The Transformation takes time.")
    make_letter(sven, svenja, title="Answer", body="It does.")
    make_letter(sven, None, title="Beyond", addressee_name="Dorothea Fremd", body="Plain words.")
    make_letter(sven, svenja, title="Draft", body="Unpublished.", publish=False)
    return svenja, sven


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("Svenja", ["On change", "Answer"]),
        ("svenja hartmann", ["On change", "Answer"]),
        ("Bauer", ["On change", "Answer", "Beyond"]),
        ("Sven", ["On change", "Answer", "Beyond"]),
        ("Dorothea", ["Beyond"]),
        ("Hartmann Transformation", ["On change"]),
        ("Hartmann Fremd", []),
    ],
)
def test_letters_are_found_by_their_authors_and_addressees_names(
    client, correspondents, query, titles
):
    page = found(client, query)
    assert f"{len(titles)} letter{'' if len(titles) == 1 else 's'} found." in page
    for title in titles:
        assert f">{title}</a>" in page
    assert ">Draft</a>" not in page


def test_a_renamed_colleague_is_found_by_the_new_name(client, correspondents):
    svenja, _sven = correspondents
    sign_in(client, svenja)
    response = client.post("/settings", data={
        "display_name": "Svenja Köhler", "role_line": "", "bio": "", "salutation_name": "",
        "greeting_de": "Liebe", "default_closing": "", "locale": "en", "timezone": "Europe/Vienna",
    })  # fmt: skip
    assert response.status_code == 302
    assert "0 letters found." in found(client, "Hartmann")
    page = found(client, "Köhler")
    assert "2 letters found." in page
    assert ">On change</a>" in page and ">Answer</a>" in page  # written and received


def test_search_reindex_command_builds_the_index_anew(
    backend, client, runner, make_user, make_letter
):
    make_letter(make_user("Svenja Hartmann"), None, title="Wandel", language="de",
                body="Die Transformation.")  # fmt: skip
    if backend == "sqlite":
        db.session.execute(text("DELETE FROM letter_search"))
        db.session.commit()
        assert "0 letters found." in found(client, "Transformationen Svenja")
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "1 letter found." in found(client, "Transformationen Svenja")
