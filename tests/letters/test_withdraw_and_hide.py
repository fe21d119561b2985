"""Withdrawing and hiding ask first, hiding tells the author why, and both can be undone."""

from __future__ import annotations

from app.extensions import db
from app.letters.models import LetterStatus
from tests.support import mailbox_messages, sign_in, text_of


def test_withdrawing_asks_first_and_the_author_can_restore_the_letter(
    client, make_user, make_letter
):
    author = make_user("Anna")
    letter = make_letter(author, None, title="Second thoughts", body="Zebracrossing ahead.")
    sign_in(client, author)
    page = client.get(f"/letters/{letter.slug}").get_data(as_text=True)
    assert f'href="/letters/{letter.slug}/withdraw"' in page
    assert f'action="/letters/{letter.slug}/withdraw"' not in page  # no one-click withdrawal
    asking = client.get(f"/letters/{letter.slug}/withdraw")
    assert asking.status_code == 200
    assert f'action="/letters/{letter.slug}/withdraw"' in asking.get_data(as_text=True)
    db.session.refresh(letter)
    assert letter.status == LetterStatus.PUBLISHED  # asking changes nothing
    client.post(f"/letters/{letter.slug}/withdraw")
    assert client.get(f"/letters/{letter.slug}").status_code == 410
    own_page = client.get(f"/@{author.handle}").get_data(as_text=True)
    assert "Second thoughts" in own_page and "withdrawn on" in own_page
    assert f'action="/letters/{letter.slug}/restore"' in own_page
    assert "Second thoughts" not in client.application.test_client().get(
        f"/@{author.handle}"
    ).get_data(as_text=True)
    restored = client.post(f"/letters/{letter.slug}/restore")
    assert restored.headers["Location"] == f"/letters/{letter.slug}"
    assert client.get(f"/letters/{letter.slug}").status_code == 200
    assert "Second thoughts" in client.get("/search?q=zebracrossing").get_data(as_text=True)
    assert client.post(f"/letters/{letter.slug}/restore").status_code == 409


def test_hiding_asks_for_a_reason_that_the_author_is_told_in_their_language(
    client, make_user, make_letter
):
    admin = make_user("Ada", is_admin=True)
    author = make_user("Bert", email="bert@example.org", locale="de")
    letter = make_letter(author, None, title="Zu viel")
    sign_in(client, admin)
    page = client.get(f"/letters/{letter.slug}").get_data(as_text=True)
    assert f'href="/admin/letters/{letter.slug}/hide"' in page
    assert "reason" in client.get(f"/admin/letters/{letter.slug}/hide").get_data(as_text=True)
    refused = client.post(f"/admin/letters/{letter.slug}/hidden", data={"reason": "  "})
    assert refused.status_code == 422 and "field-error" in refused.get_data(as_text=True)
    db.session.refresh(letter)
    assert letter.status == LetterStatus.PUBLISHED
    reason = "Er nennt eine Kollegin, die nicht genannt werden möchte."
    client.post(f"/admin/letters/{letter.slug}/hidden", data={"reason": reason})
    db.session.refresh(letter)
    assert letter.status == LetterStatus.HIDDEN
    (mail,) = [m for m in mailbox_messages() if m["To"] == "bert@example.org"]
    assert mail["Subject"] == "Dein Brief „Zu viel“ wurde ausgeblendet"
    assert reason in text_of(mail)
    client.post(f"/admin/letters/{letter.slug}/hidden")  # an admin shows it again
    db.session.refresh(letter)
    assert letter.status == LetterStatus.PUBLISHED
