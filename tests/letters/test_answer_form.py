"""The answer form: the letter being answered beside it, and the parent's tags as a default."""

from __future__ import annotations

import re

from app.extensions import db
from app.letters.models import Letter
from app.links.service import tag_names
from tests.support import letter_form, sign_in


def answered_letter_in(page: str) -> str:
    """The markup of the folding box that shows the letter being answered."""
    match = re.search(r'<details class="answered-letter"[^>]*>(.*?)</details>', page, re.S)
    assert match, "no <details> with the letter being answered"
    return match.group(1)


def tags_field_value(page: str) -> str:
    match = re.search(r'<input[^>]*\bname="tags"[^>]*>', page)
    assert match, "no tags field"
    value = re.search(r'\bvalue="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


def publish_tagged_letter(client, author, tags: str) -> str:
    """Publish a letter with every part filled in, through the write form; its slug."""
    sign_in(client, author)
    form = letter_form(
        title="On listening",
        salutation="Dear Ada,",
        body="First *paragraph*.\n\nSecond paragraph.",
        closing="Warm regards",
        signature="Sven",
        postscript="Bring the notes.",
        tags=tags,
    )
    response = client.post("/letters/new", data=form)
    assert response.status_code == 302
    client.post("/auth/logout")
    return response.headers["Location"].rsplit("/", 1)[1]


def answer(client, slug: str, **fields: str):
    form = letter_form(
        **{"addressee_name": "", "addressee": "sven", "title": "Re: On listening", **fields}
    )
    response = client.post(f"/letters/{slug}/reply", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    reply_slug = response.headers["Location"].rsplit("/", 1)[1]
    return db.session.scalars(db.select(Letter).where(Letter.slug == reply_slug)).one()


def test_answer_form_shows_the_letter_being_answered_in_a_folding_box(client, make_user):
    sven = make_user("Sven Albrecht", handle="sven")
    slug = publish_tagged_letter(client, sven, "")
    sign_in(client, make_user("Svenja Köhler"))
    page = client.get(f"/letters/{slug}/reply").get_data(as_text=True)
    shown = answered_letter_in(page)
    assert "<summary>" in shown and "On listening" in shown
    assert "Sven Albrecht" in shown and "<time" in shown  # author and date
    assert "Dear Ada," in shown
    assert "<p>First <em>paragraph</em>.</p>" in shown and "<p>Second paragraph.</p>" in shown
    assert "Warm regards" in shown and 'class="signature">Sven<' in shown
    assert "P.S." in shown and "Bring the notes." in shown


def test_answer_form_takes_the_parents_tags(client, make_user):
    sven = make_user("Sven", handle="sven")
    slug = publish_tagged_letter(client, sven, "Leadership, Transformation")
    sign_in(client, make_user())
    page = client.get(f"/letters/{slug}/reply").get_data(as_text=True)
    assert tags_field_value(page) == "Leadership, Transformation"


def test_answer_sent_with_the_suggested_tags_keeps_them(client, make_user):
    sven = make_user("Sven", handle="sven")
    slug = publish_tagged_letter(client, sven, "Leadership, Transformation")
    sign_in(client, make_user())
    suggested = tags_field_value(client.get(f"/letters/{slug}/reply").get_data(as_text=True))
    reply = answer(client, slug, tags=suggested)
    assert tag_names(reply) == ["Leadership", "Transformation"]


def test_answer_has_only_the_tags_its_writer_chose(client, make_user):
    sven = make_user("Sven", handle="sven")
    slug = publish_tagged_letter(client, sven, "Leadership, Transformation")
    sign_in(client, make_user())
    page = client.get(f"/letters/{slug}/reply").get_data(as_text=True)
    assert tags_field_value(page) == "Leadership, Transformation"  # then the writer edits it
    changed = answer(client, slug, tags="Hiring")
    assert tag_names(changed) == ["Hiring"]
    emptied = answer(client, slug, tags="", title="Re: On listening, again")
    assert tag_names(emptied) == []


def test_answer_to_a_letter_without_tags_has_an_empty_tags_field(client, make_user):
    sven = make_user("Sven", handle="sven")
    svenja = make_user("Svenja", handle="svenja")
    slug = publish_tagged_letter(client, sven, "Leadership")
    sign_in(client, svenja)
    page = client.get(f"/letters/{slug}/reply").get_data(as_text=True)
    assert tags_field_value(page) == "Leadership"
    untagged = answer(client, slug, tags="")
    client.post("/auth/logout")
    sign_in(client, sven)
    # The default is the answered letter's tags, not those of the correspondence's first letter.
    page = client.get(f"/letters/{untagged.slug}/reply").get_data(as_text=True)
    assert tags_field_value(page) == ""
