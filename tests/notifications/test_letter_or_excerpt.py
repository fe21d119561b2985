"""Readers choose whole letters or short excerpts in their notices; digests list excerpts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.database import utc_now
from app.extensions import db
from app.notifications.digests import queue_due_digests
from app.subscriptions.models import Frequency, Subscription, Target
from tests.notifications.letter_samples import PARTS, full_letter
from tests.support import SITE_URL, server_like_client, sign_in

WHOLE_LETTER_ONLY = "The last paragraph of the body."
EXCERPT_LINK = {"en": "Read the whole letter", "de": "Den ganzen Brief lesen"}
CHOICE = {
    "en": ("What the emails about letters carry", "The whole letter", "A short excerpt"),
    "de": ("Was die E-Mails über Briefe enthalten", "Den ganzen Brief", "Einen kurzen Auszug"),
}


def assert_excerpt(mail, language: str) -> None:
    """The beginning of the letter and a link to the rest: not the letter itself."""
    assert PARTS[language]["opening"][:30] in mail.text
    assert EXCERPT_LINK[language] in mail.html
    for whole_only in (WHOLE_LETTER_ONLY, PARTS[language]["watch"], "The talk I mentioned"):
        assert whole_only not in mail.text and whole_only not in mail.html


def assert_whole(mail, language: str) -> None:
    assert WHOLE_LETTER_ONLY in mail.text and WHOLE_LETTER_ONLY in mail.html
    assert PARTS[language]["watch"] in mail.html
    assert EXCERPT_LINK[language] not in mail.html


def checked_choice(page: str) -> str:
    match = re.search(
        r'<input checked id="letter-\d" name="letter" type="radio" value="(\w+)"', page
    )
    assert match, "no choice checked"
    return match.group(1)


@pytest.mark.parametrize("language", ["en", "de"])
def test_subscriber_chooses_an_excerpt_on_the_manage_page(
    language, app, make_user, make_letter, subscribe, send_notices, mail_server
):
    sven = make_user("Sven Albrecht")
    subscribe("reader@example.org", Target.SITE, locale=language)
    subscribe("other@example.org", Target.SITE, locale=language)
    make_letter(sven, None, **full_letter(language))
    send_notices()
    (first,) = mail_server.inbox.to("reader@example.org")
    assert_whole(first, language)  # until chosen otherwise
    manage = re.search(re.escape(SITE_URL) + r"(/subscriptions/\S+)", first.text)[1]
    client = server_like_client(app)
    page = client.get(manage, headers={"Accept-Language": language}).get_data(as_text=True)
    assert all(words in page for words in CHOICE[language])
    assert checked_choice(page) == "whole"
    form = {"action": "settings", "locale": language, "timezone": "Europe/Berlin"}
    assert client.post(manage, data={**form, "letter": "excerpt"}).status_code == 302
    assert checked_choice(client.get(manage).get_data(as_text=True)) == "excerpt"
    # A form without the choice (an older page) leaves it as it is.
    assert client.post(manage, data=form).status_code == 302
    make_letter(sven, None, **{**full_letter(language), "title": "A second letter"})
    send_notices()
    assert_excerpt(mail_server.inbox.to("reader@example.org")[1], language)
    assert_whole(mail_server.inbox.to("other@example.org")[1], language)


def test_a_new_subscription_keeps_the_addresss_choice(app, client, make_user, subscribe):
    author = make_user("Sven Albrecht")
    subscribe("reader@example.org", Target.SITE, whole_letter=False)
    response = client.post(
        "/subscribe",
        data={"email": "reader@example.org", "target": "author", "target_id": author.id},
    )
    assert response.status_code == 200
    rows = db.session.scalars(db.select(Subscription.whole_letter)).all()
    assert rows == [False, False]


@pytest.mark.parametrize("language", ["en", "de"])
def test_colleague_chooses_an_excerpt_in_the_notice_settings(
    language, app, make_user, make_letter, send_notices, mail_server
):
    sven = make_user("Sven Albrecht")
    svenja = make_user("Svenja Köhler", email="svenja@example.org", locale=language)
    client = server_like_client(app)
    sign_in(client, svenja)
    page = client.get("/settings/notifications").get_data(as_text=True)
    assert all(words in page for words in CHOICE[language])
    assert checked_choice(page) == "whole"
    choices = {"letters_to_me": "y", "replies_to_my_letters": "y", "threads_i_wrote_in": "y"}
    response = client.post("/settings/notifications", data={**choices, "letter": "excerpt"})
    assert response.status_code == 302
    assert checked_choice(client.get("/settings/notifications").get_data(as_text=True)) == (
        "excerpt"
    )
    make_letter(sven, svenja, **full_letter(language))
    send_notices()
    (mail,) = mail_server.inbox.to("svenja@example.org")
    assert_excerpt(mail, language)


@pytest.mark.parametrize("language", ["en", "de"])
def test_digests_list_excerpts_even_for_whole_letter_readers(
    language, app, make_user, make_letter, subscribe, send_notices, mail_server
):
    sven = make_user("Sven Albrecht")
    subscribe("digest@example.org", Target.SITE, frequency=Frequency.DAILY, locale=language)
    letter = make_letter(sven, None, **full_letter(language))
    make_letter(sven, None, **{**full_letter(language), "title": "Another one"})
    send_notices()
    queue_due_digests(utc_now() + timedelta(days=1))
    db.session.commit()
    send_notices()
    (digest,) = mail_server.inbox.to("digest@example.org")
    assert digest.text.count(PARTS[language]["opening"][:30]) == 2
    assert f"{SITE_URL}/letters/{letter.slug}" in digest.text
    for whole_only in (WHOLE_LETTER_ONLY, PARTS[language]["watch"], PARTS[language]["read_on"]):
        assert whole_only not in digest.text and whole_only not in digest.html
