"""Writing through the API: drafts, changes, answers and publishing, checked by the write form
and saved by the letters service, so that readers and subscribers are told as on the site."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.letters.models import Letter, LetterStatus, Revision
from app.letters.service import set_hidden, withdraw_letter
from tests.api.conftest import bearer, json_of
from tests.support import SITE_URL, mailbox_messages, text_of


def test_a_new_letter_is_a_draft_with_the_write_pages_suggestions(api, site, token_of):
    token = bearer(token_of(site.sven))
    letter = {
        "title": "On listening",
        "body": "First.\n\nSecond.",
        "addressee": "svenja",
        "tags": ["Craft", "listening"],
        "related": [f"{SITE_URL}/letters/{site.first.slug}", "https://example.com/talk A talk"],
    }
    response = api.post("/api/letters", json=letter, headers=token)
    assert response.status_code == 201, response.get_data(as_text=True)
    made = json_of(response)
    assert response.headers["Location"] == f"{SITE_URL}/api/letters/on-listening"
    assert made["status"] == "draft" and made["published_at"] is None
    assert made["salutation"] == "Dear Svenja," and made["closing"] == "Best wishes"
    assert made["signature"] == "Sven" and made["language"] == "en"
    assert made["body_html"] == "<p>First.</p>\n<p>Second.</p>\n"
    assert [tag["name"] for tag in made["tags"]] == ["Craft", "listening"]
    assert made["links"]["outside"] == [{"url": "https://example.com/talk", "label": "A talk"}]
    assert [found["slug"] for found in made["links"]["related_letters"]] == [site.first.slug]
    assert api.get("/api/letters/on-listening").status_code == 404
    assert not [mail for mail in mailbox_messages() if "On listening" in mail["Subject"]]


def test_a_letter_is_checked_as_the_write_form_checks_it(api, site, token_of):
    token = bearer(token_of(site.sven))
    both = {"title": "T", "body": "B", "addressee": "svenja", "addressee_name": "Ada"}
    refused = api.post("/api/letters", json=both, headers=token)
    assert refused.status_code == 422
    assert json_of(refused)["fields"] == {
        "addressee_name": ["Either a colleague or an outside name, not both."]
    }
    link = {"title": "T", "body": "B", "addressee_name": "Ada", "related": ["ftp://example.org/x"]}
    refused = json_of(api.post("/api/letters", json=link, headers=token))
    assert refused["fields"] == {
        "related": ["Line 1: use a letter’s address here or an http(s):// link."]
    }
    myself = {"title": "T", "body": "B", "addressee": "sven"}
    assert json_of(api.post("/api/letters", json=myself, headers=token))["fields"] == {
        "addressee": ["Not a valid choice."]
    }
    assert db.session.scalar(select(func.count()).select_from(Letter)) == 3


def test_what_cannot_be_a_letter_at_all_is_refused_by_field(api, site, token_of):
    token = bearer(token_of(site.sven))
    sent = {"title": "x" * 201, "body": "a\x00b", "tags": ["a,b"], "colour": "red"}
    refused = api.post("/api/letters", json=sent, headers=token)
    assert refused.status_code == 422
    assert set(json_of(refused)["fields"]) == {"title", "body", "tags", "colour"}
    missing = json_of(api.post("/api/letters", json={}, headers=token))
    assert set(missing["fields"]) == {"title", "body"}
    broken = api.post(
        "/api/letters", data="{not json", headers=token | {"Content-Type": "application/json"}
    )
    assert broken.status_code == 400
    assert json_of(broken)["fields"] == {"json": ["Invalid JSON body."]}


def test_a_draft_is_changed_and_then_published_and_its_addressee_told(api, site, token_of):
    token = bearer(token_of(site.sven))
    path = f"/api/letters/{site.draft.slug}"
    changed = api.patch(
        path, json={"body": "A whole thought now.", "tags": ["Thoughts"]}, headers=token
    )
    assert changed.status_code == 200, changed.get_data(as_text=True)
    assert json_of(changed)["body"] == "A whole thought now."
    assert json_of(changed)["title"] == "Half a thought"  # what was not sent stays
    published = api.post(f"{path}/publish", headers=token)
    assert published.status_code == 200
    assert json_of(published)["status"] == "published" and json_of(published)["published_at"]
    subjects = [
        mail["Subject"] for mail in mailbox_messages() if mail["To"] == "svenja@example.org"
    ]
    assert subjects.count("Sven Albrecht wrote you an open letter: Half a thought") == 1
    again = api.post(f"{path}/publish", headers=token)
    assert again.status_code == 409
    assert json_of(again)["message"] == "Only a draft can be published."
    assert json_of(api.get("/api/tags/thoughts"))["letters"][0]["slug"] == site.draft.slug


def test_an_edit_of_a_published_letter_keeps_the_earlier_text(api, site, token_of):
    token = bearer(token_of(site.sven))
    path = f"/api/letters/{site.first.slug}"
    edited = json_of(
        api.patch(path, json={"body": "Why not wait?", "addressee": None}, headers=token)
    )
    assert edited["body"] == "Why not wait?" and edited["edited_at"]
    assert edited["addressee"]["handle"] == "svenja"  # a published letter keeps its addressee
    (revision,) = db.session.scalars(select(Revision))
    assert revision.body == "Why *wait*?"


def test_only_the_author_changes_or_publishes_a_letter(api, site, token_of):
    token = bearer(token_of(site.svenja))
    assert (
        api.patch(
            f"/api/letters/{site.first.slug}", json={"body": "Mine"}, headers=token
        ).status_code
        == 403
    )
    assert (
        api.patch(
            f"/api/letters/{site.draft.slug}", json={"body": "Mine"}, headers=token
        ).status_code
        == 404
    )
    assert api.post(f"/api/letters/{site.draft.slug}/publish", headers=token).status_code == 404
    db.session.refresh(site.draft)
    assert site.draft.status == LetterStatus.DRAFT and site.draft.body == "The body of the letter."


def test_publishing_needs_a_confirmed_address(api, site, token_of, make_user, make_letter):
    newcomer = make_user(confirmed=False)
    draft = make_letter(newcomer, site.sven, publish=False, title="Eager")
    response = api.post(f"/api/letters/{draft.slug}/publish", headers=bearer(token_of(newcomer)))
    assert response.status_code == 403
    assert json_of(response)["message"] == "Please confirm your email address before you publish."


def test_an_answer_is_a_draft_to_the_answered_letters_author(api, site, token_of):
    token = bearer(token_of(site.svenja))
    response = api.post(
        f"/api/letters/{site.first.slug}/replies", json={"body": "Because."}, headers=token
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    answer = json_of(response)
    assert answer["title"] == "Re: On slow decisions" and answer["status"] == "draft"
    assert answer["addressee"]["handle"] == "sven" and answer["salutation"] == "Dear Sven,"
    assert answer["in_reply_to"]["slug"] == site.first.slug
    assert [tag["name"] for tag in answer["tags"]] == ["Craft", "Decisions"]
    assert answer["thread"]["slug"] == site.first.slug
    published = api.post(f"/api/letters/{answer['slug']}/publish", headers=token)
    assert published.status_code == 200
    told = [mail["To"] for mail in mailbox_messages() if "Because" in text_of(mail)]
    assert told == ["sven@example.org"]


def test_only_a_published_letter_takes_answers(api, site, token_of):
    token = bearer(token_of(site.svenja))
    answer = {"body": "Hm."}
    assert (
        api.post(f"/api/letters/{site.draft.slug}/replies", json=answer, headers=token).status_code
        == 404
    )
    withdraw_letter(site.answer)
    set_hidden(site.first, hidden=True)
    db.session.commit()
    gone = api.post(f"/api/letters/{site.answer.slug}/replies", json=answer, headers=token)
    assert gone.status_code == 410
    own = bearer(token_of(site.sven))  # the author sees the hidden letter, and cannot answer it
    assert (
        api.post(f"/api/letters/{site.first.slug}/replies", json=answer, headers=own).status_code
        == 404
    )
    assert db.session.scalar(select(func.count()).select_from(Letter)) == 3
