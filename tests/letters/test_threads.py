"""Answering letters, and reading a whole correspondence on one page."""

from __future__ import annotations

import re
from datetime import timedelta

from app.database import utc_now
from app.extensions import db
from app.letters.models import Letter
from app.notifications.models import LetterEvent
from tests.support import sign_in


def test_answer_form_is_prefilled_from_parent(client, make_user, make_letter):
    sven = make_user("Sven Albrecht", handle="sven", salutation_name="Sven", greeting_de="Lieber")
    svenja = make_user("Svenja Köhler", handle="svenja")
    letter = make_letter(sven, svenja, title="Warum Briefe", language="de")
    sign_in(client, svenja)
    page = client.get(f"/letters/{letter.slug}/reply").get_data(as_text=True)
    assert re.search(r'<option selected value="sven">|<option value="sven" selected>', page)
    assert 'value="Lieber Sven,"' in page
    assert 'value="Re: Warum Briefe"' in page
    assert '<option selected value="de">' in page or '<option value="de" selected>' in page


def test_reply_joins_the_parents_correspondence(client, make_user, make_letter):
    a, b = make_user(), make_user()
    root = make_letter(a, b, title="Root")
    sign_in(client, b)
    response = client.post(
        f"/letters/{root.slug}/reply",
        data={
            "addressee": a.handle,
            "language": "en",
            "title": "Re: Root",
            "body": "Answer.",
            "signature": "B",
            "publish": "1",
        },
    )
    assert response.status_code == 302
    reply = db.session.scalars(db.select(Letter).where(Letter.slug == "re-root")).one()
    assert reply.in_reply_to_id == root.id and reply.thread_root_id == root.id
    root_page = client.get(f"/letters/{root.slug}").get_data(as_text=True)
    assert 'href="/letters/re-root"' in root_page  # the parent lists its answers
    reply_page = client.get("/letters/re-root").get_data(as_text=True)
    assert 'class="u-in-reply-to" href="/letters/root"' in reply_page
    assert 'href="/threads/root"' in reply_page


def test_answer_to_draft_or_withdrawn_or_hidden_letter_is_refused(client, make_user, make_letter):
    a, b = make_user(), make_user(is_admin=True)
    draft = make_letter(a, b, publish=False, title="Draft")
    withdrawn = make_letter(a, b, title="Withdrawn")
    hidden = make_letter(a, b, title="Hidden")
    sign_in(client, a)
    client.post(f"/letters/{withdrawn.slug}/withdraw")
    client.post("/auth/logout")
    sign_in(client, b)
    client.post(f"/admin/letters/{hidden.slug}/hidden", data={"reason": "Off topic"})
    form = {
        "addressee": a.handle,
        "language": "en",
        "title": "Re",
        "body": "x",
        "signature": "B",
        "publish": "1",
    }
    assert client.post(f"/letters/{draft.slug}/reply", data=form).status_code == 404
    assert client.post(f"/letters/{withdrawn.slug}/reply", data=form).status_code == 410
    assert client.post(f"/letters/{hidden.slug}/reply", data=form).status_code == 404
    assert db.session.scalars(db.select(Letter).where(Letter.title == "Re")).first() is None


def test_thread_page_shows_tree_in_reading_order(client, make_user, make_letter):
    a, b, c = make_user("Anna"), make_user("Bert"), make_user("Cleo")
    root = make_letter(a, b, title="Root letter", body="Root body")
    first = make_letter(b, a, parent=root, title="First answer")
    nested = make_letter(a, b, parent=first, title="Answer to first")
    second = make_letter(c, a, parent=root, title="Second answer")
    page = client.get(f"/threads/{root.slug}").get_data(as_text=True)
    order = [
        page.index(f'id="letter-{slug}"')
        for slug in (root.slug, first.slug, nested.slug, second.slug)
    ]
    assert order == sorted(order)  # depth first: a branch is read to its end
    assert 'class="thread-entry depth-2" id="letter-answer-to-first"' in page
    assert 'class="thread-entry depth-1" id="letter-second-answer"' in page
    assert 'answers <a class="u-in-reply-to" href="#letter-first-answer">First answer</a>' in page
    assert "Root body" in page  # each letter complete


def test_thread_page_of_a_reply_slug_is_404(client, make_user, make_letter):
    a, b = make_user(), make_user()
    root = make_letter(a, b)
    reply = make_letter(b, a, parent=root, title="Reply")
    assert client.get(f"/threads/{reply.slug}").status_code == 404
    assert client.get("/threads/no-such-thread").status_code == 404


def test_draft_reply_is_not_in_the_thread_for_readers(client, make_user, make_letter):
    a, b = make_user(), make_user()
    root = make_letter(a, b)
    make_letter(b, a, parent=root, title="Unfinished answer", publish=False)
    assert "Unfinished answer" not in client.get(f"/threads/{root.slug}").get_data(as_text=True)
    assert "Unfinished answer" not in client.get(f"/letters/{root.slug}").get_data(as_text=True)


def test_front_page_lists_latest_with_people_excerpt_and_thread_size(
    client, app, make_user, make_letter
):
    a, b = make_user("Anna Arendt"), make_user("Bert Brecht")
    root = make_letter(a, b, title="Old root", body="An *important* beginning.")
    make_letter(b, a, parent=root, title="The answer", body="An *answer* worth reading.")
    page = client.get("/").get_data(as_text=True)
    # The correspondence shows once, under its newest letter.
    assert page.count("Old root") == 1 and page.index("Old root") < page.index("The answer")
    names = f'<a href="/@{b.handle}">Bert Brecht</a> → <a href="/@{a.handle}">Anna Arendt</a>'
    assert names in page
    assert "An answer worth reading." in page and "An important beginning." not in page
    assert "2 letters" in page


def test_front_page_is_paginated(client, app, make_user, make_letter):
    app.config["LETTERS_PER_PAGE"] = 3
    a, b = make_user(), make_user()
    for number in range(7):
        make_letter(a, b, title=f"Letter number {number}")
    first = client.get("/").get_data(as_text=True)
    assert "Letter number 6" in first and "Letter number 3" not in first
    third = client.get("/?page=3").get_data(as_text=True)
    assert "Letter number 0" in third and "Page 3" in third and "Older" not in third
    assert client.get("/?page=9").status_code == 404
    assert client.get("/?page=abc").status_code == 200  # falls back to the first page


def test_demo_data_is_idempotent(runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0 and "loaded" in first.output
    assert runner.invoke(args=["demo"]).output.strip() == "Demo data present already."
    letters = db.session.scalars(db.select(Letter)).all()
    roots = [letter for letter in letters if letter.thread_root_id == letter.id]
    assert len(roots) == 2
    for root in roots:
        size = sum(1 for letter in letters if letter.thread_root_id == root.id)
        assert 3 <= size <= 5
    german = next(root for root in roots if root.language == "de")
    assert german.salutation.startswith("Liebe Svenja")
    assert any("youtube.com" in letter.postscript for letter in letters)
    # Backdated history: published days ago, and nobody is emailed about it now.
    assert all(letter.published_at < utc_now() - timedelta(days=1) for letter in letters)
    assert db.session.scalars(db.select(LetterEvent)).first() is None
