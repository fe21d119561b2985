"""Writing costs the same on a big site: saving, publishing and answering a letter, and the
sender's later work on "more letters", read no large table whole (the database's own plans
for the SQL they run), and run as many statements on 2,000 letters as on 300."""

from __future__ import annotations

import pytest

from app.accounts.models import User
from app.discovery import search, suggestions
from app.extensions import db
from app.letters.models import Language, Letter
from app.letters.service import LetterDraft, publish_draft, save_letter
from app.notifications.sender import refresh_queued_neighbours
from bench.seed_bulk import seed_bulk
from tests.discovery.query_plans import captured_statements, scans_of
from tests.support import POSTGRES_SKIP_REASON, POSTGRES_URL


def draft(author: User, addressee: User, title: str) -> LetterDraft:
    return LetterDraft(title=title, salutation="", body="We decide too quickly in meetings.",
                       closing="Best", signature="A", postscript="", language=Language.EN,
                       addressee=addressee, addressee_name="",
                       tags=["Leadership", "slow meetings 3"])  # fmt: skip


def writes(seeded) -> dict:
    """Save a draft, publish it, answer a letter, and the sender's "more letters" after."""
    author, other = db.session.get(User, 1), db.session.get(User, 2)
    parent = db.session.scalar(db.select(Letter).where(Letter.slug == seeded.letter_slug))
    saved: list[Letter] = []

    def save() -> None:
        saved.append(save_letter(author, draft(author, other, parent.title), publish=False))
        db.session.commit()

    def publish() -> None:
        publish_draft(saved[-1])
        db.session.commit()

    def answer() -> None:
        save_letter(author, draft(author, other, f"Re: {parent.title}"), True, in_reply_to=parent)
        db.session.commit()

    return {"save": save, "publish": publish, "answer": answer,
            "more letters in the sender": refresh_queued_neighbours}  # fmt: skip


@pytest.fixture
def seeded_site(app, backend, monkeypatch):
    if backend == "postgres" and not POSTGRES_URL:
        pytest.skip(POSTGRES_SKIP_REASON)
    # The candidate bounds scaled to the test's site as they stand to a large one (500 of
    # 100,000 letters): PostgreSQL rightly reads 1,000 of 2,000 letters whole, not 10.
    monkeypatch.setattr(suggestions, "RECENT", 10)
    monkeypatch.setattr(search, "SIMILAR_BOUND", 10)
    return lambda letters: seed_bulk(letters, longest=10)


def test_writes_read_no_large_table_whole(seeded_site):
    seeded = seeded_site(2000)
    offenders = {name: found for name, action in writes(seeded).items()
                 if (found := scans_of(action))}  # fmt: skip
    assert offenders == {}, "\n".join(
        f"{name}: {statement[:200]}\n    {scans}"
        for name, found in offenders.items()
        for statement, scans in found.items()
    )


def statement_counts(seeded) -> dict[str, int]:
    counts = {}
    for name, action in writes(seeded).items():
        with captured_statements() as captured:
            action()
        counts[name] = len(captured.statements)
    return counts


def test_writes_run_as_many_statements_on_a_larger_site(app_factory, backend, seeded_site):
    small = statement_counts(seeded_site(300))
    app_factory()  # a second, empty database
    large = statement_counts(seeded_site(2000))
    assert large == small
    assert all(count > 0 for count in small.values())


def test_publishing_leaves_the_similar_words_search_to_the_sender(seeded_site):
    """The search that grows with the site runs in the sender, not while the writer waits."""
    steps = writes(seeded_site(300))
    steps["save"]()
    for step in ("publish", "answer"):
        with captured_statements() as captured:
            steps[step]()
        searches = [statement for statement, _ in captured.statements
                    if "MATCH" in statement or "to_tsquery" in statement]  # fmt: skip
        assert searches == [], step
    with captured_statements() as captured:
        steps["more letters in the sender"]()
    assert any("MATCH" in statement or "to_tsquery" in statement
               for statement, _ in captured.statements)  # fmt: skip
