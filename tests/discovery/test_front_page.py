"""The front page lists correspondences: each once, under its latest published letter."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.letters.service import set_hidden, withdraw_letter
from tests.support import server_like_client, sign_in


def correspondences(html: str) -> list[str]:
    """The front page's correspondences, in the order shown, each as its HTML."""
    return re.findall(r'<article class="correspondence">.*?</article>', html, re.S)


def front_page(client, path: str = "/") -> list[str]:
    response = client.get(path)
    assert response.status_code == 200, path
    return correspondences(response.get_data(as_text=True))


@pytest.fixture
def sven_and_svenja(make_user):
    return make_user("Sven Albrecht", handle="sven"), make_user("Svenja Köhler", handle="svenja")


def test_a_correspondence_shows_once_under_its_latest_letter_with_its_size(
    client, make_user, make_letter, sven_and_svenja
):
    sven, svenja = sven_and_svenja
    single = make_letter(svenja, None, title="To the whole team", addressee_name="The team",
                         body="A letter on its own.")  # fmt: skip
    root = make_letter(sven, svenja, title="Why we write letters", body="The first body.")
    answer = make_letter(svenja, sven, parent=root, title="Re: Why we write", body="Second.")
    latest = make_letter(sven, svenja, parent=answer, title="Letters, again", body="The third.")
    html = client.get("/").get_data(as_text=True)
    thread, alone = correspondences(html)
    assert f'href="/threads/{root.slug}">Why we write letters</a>' in thread
    assert f'href="/letters/{latest.slug}">Letters, again</a>' in thread
    assert "The third." in thread and "3 letters" in thread
    assert "Sven Albrecht ⇄ Svenja Köhler" in thread
    assert "Re: Why we write" not in html and "Second." not in html
    assert "The first body." not in html
    assert f'href="/letters/{single.slug}">To the whole team</a>' in alone
    assert "A letter on its own." in alone and "1 letter" in alone
    assert "Svenja Köhler ⇄ The team" in alone


def test_correspondences_are_ordered_by_their_latest_letter(client, make_user, make_letter):
    anna, bert = make_user("Anna"), make_user("Bert")
    older = make_letter(anna, bert, title="Older opening")
    newer = make_letter(bert, anna, title="Newer opening")
    make_letter(bert, anna, parent=older, title="A late answer")
    first, second = front_page(client)
    assert "A late answer" in first and "Newer opening" in second
    make_letter(anna, bert, parent=newer, title="The latest news")
    first, second = front_page(client)
    assert "The latest news" in first and "A late answer" in second


def test_withdrawn_hidden_and_draft_letters_are_neither_shown_nor_counted(
    client, make_user, make_letter
):
    anna, bert = make_user("Anna"), make_user("Bert")
    root = make_letter(anna, bert, title="Opening")
    shown = make_letter(bert, anna, parent=root, title="Still here")
    withdrawn = make_letter(anna, bert, parent=shown, title="Taken back later")
    hidden = make_letter(bert, anna, parent=shown, title="Hidden by an admin")
    make_letter(anna, bert, parent=shown, title="Half written", publish=False)
    alone = make_letter(anna, None, title="Gone entirely")
    for letter in (withdrawn, alone):
        withdraw_letter(letter)
    set_hidden(hidden, True)
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    (thread,) = correspondences(html)
    assert "Still here" in thread and "2 letters" in thread
    for title in ("Taken back later", "Hidden by an admin", "Half written", "Gone entirely"):
        assert title not in html


@pytest.mark.parametrize("status", ["withdrawn", "hidden"])
def test_a_correspondence_whose_first_letter_is_gone_shows_under_its_latest_published_letter(
    client, make_user, make_letter, status
):
    anna, bert = make_user("Anna"), make_user("Bert")
    root = make_letter(anna, bert, title="Opening words", body="The opening text.")
    make_letter(bert, anna, parent=root, title="First answer", body="The answer text.")
    withdraw_letter(root) if status == "withdrawn" else set_hidden(root, True)
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    (thread,) = correspondences(html)
    assert f'href="/threads/{root.slug}">A correspondence</a>' in thread
    assert "First answer" in thread and "The answer text." in thread and "1 letter" in thread
    assert "Opening words" not in html and "The opening text." not in html


def test_names_of_authors_and_addressees_link_to_their_pages(
    client, make_letter, sven_and_svenja, make_user
):
    sven, svenja = sven_and_svenja
    priya = make_user("Priya Natarajan", handle="priya")
    root = make_letter(sven, svenja, title="To Svenja")
    make_letter(priya, None, parent=root, title="To someone outside", addressee_name="Ada Lovelace")
    make_letter(svenja, sven, title="To Sven")
    to_sven, outside = front_page(client)
    assert '<a href="/@svenja">Svenja Köhler</a> → <a href="/@sven">Sven Albrecht</a>' in to_sven
    assert '<a href="/@priya">Priya Natarajan</a> → Ada Lovelace' in outside
    assert "Ada Lovelace, Priya Natarajan, Sven Albrecht and Svenja Köhler" in outside
    assert "Sven Albrecht ⇄ Svenja Köhler" in to_sven


def test_front_page_is_paginated_by_correspondences(app, client, make_user, make_letter):
    app.config["LETTERS_PER_PAGE"] = 2
    anna, bert = make_user("Anna"), make_user("Bert")
    for number in range(5):
        root = make_letter(anna, bert, title=f"Opening {number}")
        make_letter(bert, anna, parent=root, title=f"Answer {number}")
    first = front_page(client)
    assert len(first) == 2 and "Answer 4" in first[0] and "Answer 3" in first[1]
    (last,) = front_page(client, "/?page=3")
    assert "Answer 0" in last
    # Without counting every correspondence: the last page has a "Newer" link, no "Older".
    last_page = client.get("/?page=3").get_data(as_text=True)
    assert "Page 3" in last_page and 'rel="prev"' in last_page and 'rel="next"' not in last_page
    assert 'rel="next" href="/?page=2"' in client.get("/").get_data(as_text=True)
    assert client.get("/?page=4").status_code == 404


def build_correspondence(make_letter, people, number: int, size: int) -> None:
    """A correspondence of `size` letters among three people, one to someone outside."""
    root = make_letter(people[0], people[1], title=f"Opening {number}")
    parent = root
    for step in range(1, size):
        author = people[step % 3]
        outside = step == 2
        addressee = None if outside else people[(step + 1) % 3]
        parent = make_letter(author, addressee, parent=parent, title=f"Answer {number}.{step}")
    if number % 3 == 0:
        withdraw_letter(root)
        db.session.commit()


@pytest.mark.parametrize("who", ["reader", "colleague"])
def test_front_page_queries_do_not_grow_with_correspondences_or_letters(
    app, count_queries, make_user, make_letter, who
):
    people = [make_user("Sven", handle="sven"), make_user("Svenja"), make_user("Priya")]
    client = server_like_client(app)
    if who == "colleague":
        sign_in(client, people[2])

    def statements(expected: int) -> int:
        with count_queries() as counter:
            assert len(front_page(client)) == expected
        return counter.count

    build_correspondence(make_letter, people, 1, 2)
    few = statements(1)
    for number in range(2, 13):
        build_correspondence(make_letter, people, number, number % 5 + 1)
    many = statements(12)
    assert many == few <= 6
