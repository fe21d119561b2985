"""Lists of the API run the same few SQL statements however many letters a page holds."""

from __future__ import annotations

import pytest

from tests.api.conftest import bearer, json_of
from tests.letters.test_query_budget import write
from tests.signatures.conftest import seed_signatures
from tests.support import server_like_client

# The list, tags, links (2), correspondence sizes, signatures (2) and closed signing; with a
# token, its lookup too.
LETTERS_BUDGET = 9


@pytest.fixture
def letters(make_user):
    """Build `count` published letters with tags, related letters, mentions and answers."""
    people = [make_user(f"Writer {number}", handle=f"writer{number}") for number in range(3)]

    def build(count: int) -> None:
        written: list = []
        for number in range(count):
            parent = written[-1] if number % 3 else None
            author, addressee = people[number % 3], people[(number + 1) % 3]
            written.append(write(author, addressee, parent, f"Letter {number}", written))
            seed_signatures(written[-1], 3, start=1000 * len(written))

    build.people = people
    return build


def statements(count_queries, client, path: str, **request) -> int:
    with count_queries() as counter:
        response = client.get(path, **request)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return counter.count


@pytest.mark.parametrize(
    "path", ["/api/letters", "/api/correspondences", "/api/tags/letters", "/api/colleagues/writer0"]
)
def test_a_list_costs_the_same_for_two_letters_as_for_twenty(app, count_queries, letters, path):
    client = server_like_client(app)
    letters(2)
    few = statements(count_queries, client, path)
    letters(30)
    page = json_of(client.get(f"{path}?per_page=20"))
    assert len(page.get("items") or page.get("letters")) >= 10
    many = statements(count_queries, client, f"{path}?per_page=20")
    assert many == few
    assert few <= LETTERS_BUDGET


def test_the_letters_list_for_a_token_stays_within_budget(app, count_queries, letters, token_of):
    client = server_like_client(app)
    letters(25)
    secret = token_of(letters.people[0], "read")
    client.get("/api/letters", headers=bearer(secret))  # notes the token's first use
    count = statements(count_queries, client, "/api/letters?per_page=25", headers=bearer(secret))
    assert count <= LETTERS_BUDGET
