"""Related letters, backlinks and search keep the letter page within its statement budget."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert, select, text

from app.database import utc_now
from app.discovery.search_index import is_sqlite, rebuild_search_index
from app.discovery.suggestions import refresh_suggestions
from app.extensions import db
from app.letters.models import Language, Letter, LetterStatus
from app.links.models import LetterTag, Link, LinkKind, Tag
from tests.support import sign_in

LETTERS = 2000
# The letter page made anew (tests/letters/test_query_budget.py says which statements).
BUDGET = 9


def seed_letters(author_id: int, addressee_id: int) -> None:
    """2,000 published letters in threads of 40, tagged and linked, inserted in bulk."""
    now = utc_now()
    words = ["trust", "decisions", "meetings", "remote", "hiring", "budget", "design", "change"]
    rows = []
    for number in range(1, LETTERS + 1):
        root = number - (number - 1) % 40
        body = f"Letter {number} about {words[number % 8]} and {words[(number * 3) % 8]}."
        rows.append({
            "id": number, "slug": f"letter-{number}", "title": f"On {words[number % 8]} {number}",
            "author_id": author_id if number % 2 else addressee_id,
            "addressee_id": addressee_id if number % 2 else author_id, "addressee_name": "",
            "salutation": "Dear colleague,", "body": body, "body_html": f"<p>{body}</p>",
            "excerpt": body, "closing": "Best", "signature": "A", "postscript": "",
            "postscript_html": "", "language": Language.EN, "status": LetterStatus.PUBLISHED,
            "created_at": now, "published_at": now - timedelta(minutes=LETTERS - number),
            "in_reply_to_id": None if number == root else number - 1, "thread_root_id": root,
        })  # fmt: skip
    db.session.execute(insert(Letter), rows)
    db.session.execute(
        insert(Tag), [{"id": n, "name": w, "slug": w} for n, w in enumerate(words, 1)]
    )
    db.session.execute(insert(LetterTag), [
        {"letter_id": n, "tag_id": n % 8 + 1, "position": 0} for n in range(1, LETTERS + 1)
    ])  # fmt: skip
    db.session.execute(insert(Link), [
        {"letter_id": n, "kind": LinkKind.MENTION, "target_letter_id": 1000, "url": "",
         "label": "", "position": 0} for n in range(1, LETTERS + 1, 50)
    ])  # fmt: skip
    if is_sqlite():
        rebuild_search_index(db.session.connection())
    elif db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT setval('letters_id_seq', :n)"), {"n": LETTERS})
    db.session.commit()
    refresh_suggestions(db.session.get(Letter, 1000))
    db.session.commit()


def test_letter_page_budget_holds_with_2000_letters(client, make_user, count_queries):
    anna, bert = make_user("Anna"), make_user("Bert")
    seed_letters(anna.id, bert.id)
    assert db.session.scalar(select(db.func.count()).select_from(Letter)) == LETTERS
    client.get("/letters/letter-1000")  # warm caches that are not per request
    with count_queries() as anonymous:
        page = client.get("/letters/letter-1000")
    assert page.status_code == 200
    text_ = page.get_data(as_text=True)
    assert "More letters" in text_ and "Mentioned in" in text_
    sign_in(client, anna)
    with count_queries() as signed_in:
        assert client.get("/letters/letter-1000").status_code == 200
    assert anonymous.count <= BUDGET, anonymous.statements
    assert signed_in.count <= BUDGET, signed_in.statements
    with count_queries() as searching:
        result = client.get("/search?q=trust")
    assert "letters found." in result.get_data(as_text=True)
    assert searching.count <= 6, searching.statements
