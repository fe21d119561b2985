"""A tag exists for readers only while a published letter carries it."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.letters.models import Language
from app.letters.service import LetterDraft, save_letter, set_hidden, withdraw_letter


def tagged(author, tags: list[str], title: str = "A letter", publish: bool = True):
    draft = LetterDraft(
        title=title, salutation="", body="Text.", closing="Best", signature="Anna",
        postscript="", language=Language.EN, addressee=None, addressee_name="Readers",
        tags=tags,
    )  # fmt: skip
    letter = save_letter(author, draft, publish)
    db.session.commit()
    return letter


TAG_ADDRESSES = ["/tags/secret-plans", "/tags/secret-plans/feed.atom"]


@pytest.mark.parametrize("path", TAG_ADDRESSES)
def test_tag_of_a_draft_is_not_found(client, make_user, path):
    tagged(make_user("Anna"), ["Secret plans"], publish=False)
    response = client.get(path)
    assert response.status_code == 404
    assert "Secret plans" not in response.get_data(as_text=True)
    assert "secret-plans" not in client.get("/sitemap.xml").get_data(as_text=True)


@pytest.mark.parametrize("path", TAG_ADDRESSES)
@pytest.mark.parametrize("status", ["withdrawn", "hidden"])
def test_tag_whose_letters_are_all_gone_is_not_found(client, make_user, path, status):
    letter = tagged(make_user("Anna"), ["Secret plans"])
    assert client.get(path).status_code == 200
    withdraw_letter(letter) if status == "withdrawn" else set_hidden(letter, True)
    db.session.commit()
    assert client.get(path).status_code == 404


def test_tag_of_a_published_letter_and_a_draft_lists_only_the_published(client, make_user):
    anna = make_user("Anna")
    tagged(anna, ["Plans"], title="Out in the open")
    tagged(anna, ["Plans"], title="Still a draft", publish=False)
    for path in ("/tags/plans", "/tags/plans/feed.atom"):
        text = client.get(path).get_data(as_text=True)
        assert "Out in the open" in text and "Still a draft" not in text, path
