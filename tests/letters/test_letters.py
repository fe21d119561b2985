"""Writing, publishing, editing and reading letters."""

from __future__ import annotations

import re

from app.extensions import db
from app.letters.models import Letter, LetterStatus
from tests.support import all_notices, letter_form, sign_in


def publish_form(**fields: str) -> dict[str, str]:
    """The write form as sent when publishing; the addressee is chosen by each test."""
    return letter_form(**{"addressee_name": "", **fields})


def test_publish_letter_to_colleague_shows_it_like_a_letter(client, make_user):
    sven = make_user("Sven Albrecht", handle="sven")
    make_user("Svenja Köhler", handle="svenja", salutation_name="Svenja", greeting_de="Liebe")
    sign_in(client, sven)
    response = client.post("/letters/new", data=publish_form(addressee="svenja", language="de"))
    assert response.status_code == 302
    assert response.headers["Location"] == "/letters/on-listening"
    page = client.get("/letters/on-listening").get_data(as_text=True)
    assert "Liebe Svenja," in page
    assert "<p>First paragraph.</p>" in page and "<p>Second paragraph.</p>" in page
    assert 'Sven Albrecht</a> to <a href="/@svenja">Svenja Köhler</a>' in page
    assert 'class="signature">Sven<' in page


def test_salutation_is_prefilled_from_addressee_preference(client, make_user):
    sven = make_user("Sven Albrecht")
    make_user("Svenja Köhler", handle="svenja", salutation_name="Svenja", greeting_de="Liebe")
    sign_in(client, sven)
    sven.locale = "de"
    db.session.commit()
    page = client.get("/letters/new?to=svenja").get_data(as_text=True)
    assert 'value="Liebe Svenja,"' in page
    sven.locale = "en"
    db.session.commit()
    assert 'value="Dear Svenja,"' in client.get("/letters/new?to=svenja").get_data(as_text=True)


def test_draft_is_visible_only_to_its_author(client, make_user, make_letter):
    author, other = make_user(), make_user()
    draft = make_letter(author, other, publish=False, title="Secret draft")
    assert client.get(f"/letters/{draft.slug}").status_code == 404
    sign_in(client, other)
    assert client.get(f"/letters/{draft.slug}").status_code == 404
    assert client.get(f"/letters/{draft.slug}/edit").status_code == 404
    client.post("/auth/logout")
    sign_in(client, author)
    assert client.get(f"/letters/{draft.slug}").status_code == 200


def test_published_slug_stays_when_title_changes(client, make_user, make_letter):
    author = make_user()
    letter = make_letter(author, title="The first title")
    sign_in(client, author)
    response = client.post(
        f"/letters/{letter.slug}/edit", data=publish_form(title="A better title", body="New text")
    )
    assert response.headers["Location"] == "/letters/the-first-title"
    page = client.get("/letters/the-first-title").get_data(as_text=True)
    assert "A better title" in page and "Updated on" in page
    history = client.get("/letters/the-first-title/history").get_data(as_text=True)
    assert "The first title" in history and "The body of the letter." in history


def test_outside_addressee_by_name(client, make_user):
    sign_in(client, make_user())
    client.post("/letters/new", data=publish_form(addressee_name="Ada Lovelace"))
    page = client.get("/letters/on-listening").get_data(as_text=True)
    assert "to Ada Lovelace" in page and "Dear Ada Lovelace," in page


def test_withdrawn_letter_answers_410_and_thread_stays(client, make_user, make_letter):
    a, b = make_user(), make_user()
    root = make_letter(a, b, title="Root")
    reply = make_letter(b, a, parent=root, title="Reply")
    sign_in(client, a)
    assert client.post(f"/letters/{root.slug}/withdraw").status_code == 302
    assert client.get(f"/letters/{root.slug}").status_code == 410
    thread = client.get(f"/threads/{root.slug}")
    assert thread.status_code == 200
    text = thread.get_data(as_text=True)
    assert "was withdrawn" in text and reply.title in text
    assert client.get(f"/letters/{root.slug}/reply").status_code == 410


def test_only_author_edits_or_withdraws(client, make_user, make_letter):
    author, other = make_user(), make_user()
    letter = make_letter(author, other)
    sign_in(client, other)
    assert client.get(f"/letters/{letter.slug}/edit").status_code == 403
    assert client.post(f"/letters/{letter.slug}/edit", data=publish_form()).status_code == 403
    assert client.post(f"/letters/{letter.slug}/withdraw").status_code == 403
    assert db.session.get(Letter, letter.id).status == LetterStatus.PUBLISHED


def test_form_cannot_set_hidden_fields(client, make_user):
    user = make_user()
    victim = make_user()
    sign_in(client, user)
    client.post(
        "/letters/new",
        data=publish_form(author_id=str(victim.id), status="hidden", is_admin="1", save="1"),
    )
    letter = db.session.scalars(db.select(Letter)).one()
    assert letter.author_id == user.id
    assert letter.status == LetterStatus.PUBLISHED
    db.session.refresh(user)
    assert not user.is_admin


def test_unconfirmed_colleague_cannot_publish(client, make_user):
    sign_in(client, make_user(confirmed=False))
    response = client.post("/letters/new", data=publish_form())
    assert response.status_code == 422
    assert "confirm your email" in response.get_data(as_text=True)
    assert db.session.scalars(db.select(Letter)).first() is None


def test_preview_shows_rendered_letter_without_saving(client, make_user):
    sign_in(client, make_user())
    data = publish_form(body="Some **bold** words")
    del data["publish"]
    data["preview"] = "Preview"
    response = client.post("/letters/new", data=data)
    assert response.status_code == 200
    assert "<strong>bold</strong>" in response.get_data(as_text=True)
    assert db.session.scalars(db.select(Letter)).first() is None


def test_video_link_in_postscript_is_click_to_load(client, make_user, make_letter):
    letter = make_letter(
        make_user(), postscript="Watch https://www.youtube.com/watch?v=Qs7Gr5J2d1M please"
    )
    page = client.get(f"/letters/{letter.slug}").get_data(as_text=True)
    assert 'data-embed-src="https://www.youtube-nocookie.com/embed/Qs7Gr5J2d1M' in page
    assert "<iframe" not in page  # no third-party request until the reader clicks


def test_titles_that_name_a_page_get_a_slug_of_their_own(client, make_user, make_letter):
    author = make_user()
    for title in ("New", "Suggest"):
        letter = make_letter(author, None, title=title)
        assert letter.slug in ("new-2", "suggest-2")
        assert title in client.get(f"/letters/{letter.slug}").get_data(as_text=True)


def test_salutations_are_offered_not_guessed(client, make_user):
    sven = make_user("Sven", locale="de")
    make_user("Kim Meier", handle="kim")  # no greeting chosen by Kim: nothing is guessed
    sign_in(client, sven)
    page = client.get("/letters/new?to=kim").get_data(as_text=True)
    assert 'value="Hallo Kim,"' in page  # the neutral default
    choices = page[page.index('<datalist id="salutation-choices">') :]
    for offered in ("Liebe Kim,", "Lieber Kim,", "Hallo Kim,", "Guten Tag Kim,"):
        assert f'<option value="{offered}">' in choices


def test_a_slug_taken_by_a_concurrent_writer_is_retried(app, make_user, make_letter, monkeypatch):
    from app.letters import service

    author = make_user()
    make_letter(author, None, title="Same title")
    real = service.unique_slug
    answers = iter(["same-title"])  # what a racing writer saw before the first one committed
    monkeypatch.setattr(
        service,
        "unique_slug",
        lambda title, letter_id=None: next(answers, None) or real(title, letter_id),
    )
    second = make_letter(author, None, title="Same title")
    assert second.slug == "same-title-2"


def test_withdrawing_an_answer_leads_to_its_correspondence(client, make_user, make_letter):
    a, b = make_user(), make_user()
    root = make_letter(a, b, title="Root")
    reply = make_letter(b, a, parent=root, title="Answer")
    sign_in(client, b)
    response = client.post(f"/letters/{reply.slug}/withdraw")
    assert response.headers["Location"] == f"/threads/{root.slug}"


def test_saving_a_published_letter_says_changes_saved_not_published(client, make_user, make_letter):
    author = make_user()
    letter = make_letter(author, None, title="Once published", publish=False)
    sign_in(client, author)
    published = client.post(
        f"/letters/{letter.slug}/edit",
        data=letter_form(title="Once published"),
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Published." in published
    edited = client.post(
        f"/letters/{letter.slug}/edit",
        data=letter_form(title="Once published", body="A second thought."),
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Changes saved." in edited and "Published." not in edited
    client.post("/language", data={"lang": "de", "next": "/"})
    german = client.post(
        f"/letters/{letter.slug}/edit",
        data=letter_form(title="Once published", body="A third thought."),
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Änderungen gespeichert." in german


def test_after_a_withdrawal_every_page_counts_the_correspondence_alike(
    client, make_user, make_letter
):
    anna, bert = make_user("Anna"), make_user("Bert")
    root = make_letter(anna, bert, title="Opening words")
    first = make_letter(bert, anna, title="First answer", parent=root)
    make_letter(anna, bert, title="Second answer", parent=first)
    sign_in(client, anna)
    withdrawn = client.post(f"/letters/{root.slug}/withdraw")
    assert withdrawn.headers["Location"] == f"/threads/{root.slug}"
    gone = client.get(f"/letters/{root.slug}").get_data(as_text=True)
    assert f'href="/threads/{root.slug}"' in gone
    thread = client.get(f"/threads/{root.slug}")
    assert thread.status_code == 200
    counts = {
        "thread": thread.get_data(as_text=True),
        "answer": client.get(f"/letters/{first.slug}").get_data(as_text=True),
        "front": client.get("/").get_data(as_text=True),
    }
    for page, html in counts.items():
        assert re.findall(r"\b(\d+) letters?\b", html)[:1] == ["2"], page
        assert "Opening words" not in html, page
    feed = client.get(f"/threads/{root.slug}/feed.atom").get_data(as_text=True)
    assert feed.count("<entry>") == 2 and "Opening words" not in feed


def test_a_draft_is_published_from_its_own_page_and_found_from_the_header(
    client, make_user, make_letter, send_notices
):
    author, reader = make_user("Anna"), make_user("Bert", email="bert@example.org")
    draft = make_letter(author, reader, title="Ready as it is", publish=False)
    sign_in(client, author)
    home = client.get("/").get_data(as_text=True)
    assert f'href="/@{author.handle}#drafts-heading">My drafts</a>' in home
    drafts = client.get(f"/@{author.handle}").get_data(as_text=True)
    assert f'href="/letters/{draft.slug}">Ready as it is</a>' in drafts
    page = client.get(f"/letters/{draft.slug}").get_data(as_text=True)
    assert f'action="/letters/{draft.slug}/publish"' in page
    response = client.post(f"/letters/{draft.slug}/publish")
    assert response.headers["Location"] == f"/letters/{draft.slug}"
    db.session.refresh(draft)
    assert draft.status == LetterStatus.PUBLISHED and draft.published_at is not None
    assert "Ready as it is" in client.get("/search?q=ready").get_data(as_text=True)
    send_notices()
    assert [notice.recipient for notice in all_notices()] == ["bert@example.org"]
    assert client.post(f"/letters/{draft.slug}/publish").status_code == 409
    assert client.get(f"/letters/{draft.slug}").status_code == 200
    stranger = client.application.test_client()
    sign_in(stranger, make_user("Carla"))
    assert stranger.post(f"/letters/{draft.slug}/publish").status_code == 403
