"""Pages run a small, fixed number of SQL statements, however long the correspondence.

Requests go through ServerLikeClient, so each runs in its own app context, as under a
server: nothing is served from a previous request's identity map or `g`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from app.accounts.models import User
from app.extensions import db
from app.letters.models import Letter
from app.letters.related import parse_related
from app.letters.service import withdraw_letter
from tests.support import ServerLikeClient, server_like_client, sign_in, write_letter

# One statement more since letter pages show answers from other sites (Webmention).
BUDGET = 11
# A letter page made anew: the letter (with its correspondence's size), answers, tags with
# links and backlinks (one statement), answers from other sites, more letters, the signature
# box; and for a colleague, who they are.
LETTER_PAGE_BUDGET = 7


@dataclass
class Correspondence:
    root: str  # the slug of the first letter, which has several answers
    size: int


@pytest.fixture
def people(make_user) -> list[User]:
    return [
        make_user("Sven Albrecht", handle="sven"),
        make_user("Svenja Köhler", handle="svenja"),
        make_user("Ute Bauer", handle="ute"),
    ]


def write(
    author: User, addressee: User | None, parent: Letter | None, title: str, earlier: list[Letter]
) -> Letter:
    """A published letter with everything a letter page shows: tags, related, mentions, a P.S."""
    mentions = " ".join(f"[an earlier letter](/letters/{letter.slug})" for letter in earlier[-2:])
    related = "\n".join(
        [f"/letters/{letter.slug}" for letter in earlier[:2]] + ["https://example.org/a Elsewhere"]
    )
    return write_letter(
        author, addressee, title, parent=parent, addressee_name="Ada Lovelace",
        body=f"On {title}. {mentions}\n\nA second paragraph.",
        postscript="P.S. https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        tags=["Letters", f"Topic {len(earlier) % 4}"], related=parse_related(related),
    )  # fmt: skip


@pytest.fixture
def build_thread(people, make_letter) -> Callable[[int], Correspondence]:
    """A correspondence of `size` letters: chains, branches, outside addressees, a withdrawal."""

    def build(size: int) -> Correspondence:
        root = write(people[0], people[1], None, f"Thread of {size}", [])
        letters = [root]
        for number in range(1, size):
            if number % 7 == 0:
                parent = root  # a new branch from the first letter
            elif number % 5 == 0:
                parent = letters[number // 2]  # a branch from the middle
            else:
                parent = letters[-1]  # the chain goes on
            outside = number % 6 == 0
            addressee = None if outside else db.session.get(User, parent.author_id)
            title = f"Answer {number} in {size}"
            letters.append(write(people[number % 3], addressee, parent, title, letters))
        for parent in letters[1:3]:  # drafts in the thread, which readers do not see
            make_letter(people[2], None, publish=False, parent=parent, title="Draft answer")
        withdraw_letter(letters[size // 2])
        db.session.commit()
        db.session.commit()
        return Correspondence(root=root.slug, size=size)

    return build


def statements(count_queries, client: ServerLikeClient, path: str) -> int:
    with count_queries() as counter:
        response = client.get(path)
    assert response.status_code == 200, path
    assert counter.count > 0, "the counter should see the page's queries"
    return counter.count


def signed_in(app, user: User) -> ServerLikeClient:
    client = server_like_client(app)
    sign_in(client, user)
    return client


@pytest.mark.parametrize("who", ["reader", "colleague"])
def test_letter_and_thread_pages_stay_within_budget(app, count_queries, build_thread, people, who):
    small, large = build_thread(5), build_thread(50)
    client = signed_in(app, people[2]) if who == "colleague" else server_like_client(app)
    for page, budget in (("/letters/{}", LETTER_PAGE_BUDGET), ("/threads/{}", BUDGET)):
        small_count = statements(count_queries, client, page.format(small.root))
        large_count = statements(count_queries, client, page.format(large.root))
        assert large_count <= budget, page
        assert large_count == small_count, f"{page}: grows with the thread"


def test_thread_page_shows_all_fifty_letters(app, build_thread):
    large = build_thread(50)
    html = server_like_client(app).get(f"/threads/{large.root}").get_data(as_text=True)
    assert html.count('class="thread-entry') == 50
    assert "was withdrawn" in html and "Ada Lovelace" in html


def test_letter_page_of_an_answer_stays_within_budget(app, count_queries, build_thread, people):
    large = build_thread(50)
    answer = db.session.scalars(
        db.select(Letter.slug).where(Letter.title == "Answer 7 in 50")
    ).one()
    client = signed_in(app, people[0])
    assert statements(count_queries, client, f"/letters/{answer}") <= LETTER_PAGE_BUDGET
    assert large.size == 50


@pytest.mark.parametrize("who", ["reader", "colleague"])
def test_front_and_profile_pages_do_not_grow_with_the_letters(
    app, count_queries, build_thread, people, who
):
    client = signed_in(app, people[1]) if who == "colleague" else server_like_client(app)
    build_thread(5)
    counts_before = [statements(count_queries, client, path) for path in ("/", "/@sven")]
    build_thread(50)
    build_thread(30)
    counts_after = [statements(count_queries, client, path) for path in ("/", "/@sven")]
    assert counts_after == counts_before
    assert max(counts_after) <= BUDGET
    app.config["LETTERS_PER_PAGE"] = 2  # the front page lists three correspondences
    assert statements(count_queries, client, "/?page=2") <= BUDGET


def test_own_profile_with_drafts_stays_within_budget(app, count_queries, build_thread, people):
    build_thread(50)
    client = signed_in(app, people[2])  # Ute has drafts in the thread
    assert statements(count_queries, client, "/@ute") <= BUDGET
