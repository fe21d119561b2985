"""A letter closes in its own language: no "Best wishes" under German, no "Gruß" under English."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from app.demo import load_demo_data
from app.extensions import db
from app.letters.models import Language, Letter
from tests.support import sign_in


def closing_in(html: str) -> str:
    match = re.search(r'id="closing"[^>]*value="([^"]*)"', html) or re.search(
        r'value="([^"]*)"[^>]*id="closing"', html
    )
    assert match, "no closing field"
    return match.group(1)


def test_an_own_closing_is_suggested_only_in_its_own_language(client, make_user, make_letter):
    sven = make_user("Sven", locale="de", default_closing="Gruß")
    priya = make_user("Priya", locale="en")
    english = make_letter(priya, sven, title="On writing things down", language="en")
    german = make_letter(priya, sven, title="Auf Deutsch", language="de")
    sign_in(client, sven)
    assert closing_in(client.get("/letters/new").get_data(as_text=True)) == "Gruß"
    reply_in_english = client.get(f"/letters/{english.slug}/reply").get_data(as_text=True)
    assert closing_in(reply_in_english) == "Best wishes"
    reply_in_german = client.get(f"/letters/{german.slug}/reply").get_data(as_text=True)
    assert closing_in(reply_in_german) == "Gruß"
    # What the form switches to when the writer changes the letter's language.
    choices = re.search(r'id="closings">([^<]*)<', reply_in_english).group(1)
    assert json.loads(choices) == {"de": "Gruß", "en": "Best wishes"}


def test_english_demo_letters_read_as_english_letters(app):
    load_demo_data()
    letters = db.session.scalars(select(Letter).where(Letter.language == Language.EN)).all()
    assert letters
    for letter in letters:
        assert letter.body[:1].isupper(), letter.title
        assert letter.closing in {"Best wishes", "Best"}, (letter.title, letter.closing)
    german = db.session.scalars(select(Letter).where(Letter.language == Language.DE)).all()
    assert {letter.closing for letter in german} <= {"Gruß", "Viele Grüße"}
