"""A letter's parts found in text (imported posts, replies by email): only where they are."""

from __future__ import annotations

import pytest

from app.letters.models import Language
from app.letters.parts import LetterText, greeted_name, greeting_language, letter_text


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        (
            "Liebe Svenja,\n\nText.\n\nGruß\n\nSven\n\nP.S. Schau: https://youtu.be/dQw4w9WgXcQ",
            ("Liebe Svenja,", "Text.", "Gruß", "Sven", "Schau: https://youtu.be/dQw4w9WgXcQ"),
        ),
        ("Dear Sven,\n\nText.\n\nBest,\nPriya", ("Dear Sven,", "Text.", "Best", "Priya", "")),
        ("Lieber Sven,\n\nbald.\n\nDeine Svenja", ("Lieber Sven,", "bald.", "Deine", "Svenja", "")),
        ("Hi Ana,\n\nText.\n\nViele Grüße, Sven", ("Hi Ana,", "Text.", "Viele Grüße", "Sven", "")),
        (
            "**Liebe Svenja,**\n\nText.\n\n*Gruß*\\\n*Sven*",
            ("Liebe Svenja,", "Text.", "Gruß", "Sven", ""),
        ),
        ("Text.\n\nPS: eins\n\nzwei", ("", "Text.", "", "", "eins\n\nzwei")),
        (
            "Text.\n\nPost Scriptum:\n\nhttps://vimeo.com/1",
            ("", "Text.", "", "", "https://vimeo.com/1"),
        ),
        ("Text.\n\nP.S: vorher\n\nGruß\nSven", ("", "Text.", "Gruß", "Sven", "vorher")),
        (
            "Text.\n\nGruß\nSven\nPS: gleich drunter",
            ("", "Text.", "Gruß", "Sven", "gleich drunter"),
        ),
        # Not parts: a sentence that ends in "!", horsepower, a name alone, only a closing.
        ("Hier ist es laut!\n\nText.", ("", "Hier ist es laut!\n\nText.", "", "", "")),
        ("PS-starke Autos.\n\nText.", ("", "PS-starke Autos.\n\nText.", "", "", "")),
        ("Text.\n\nSven", ("", "Text.\n\nSven", "", "", "")),
        ("Thanks Everyone", ("", "Thanks Everyone", "", "", "")),
    ],
)
def test_parts_are_found_where_the_text_has_them(text: str, parts: tuple[str, ...]) -> None:
    assert letter_text(text) == LetterText(*parts)


def test_whom_a_salutation_greets_and_in_which_language() -> None:
    assert greeted_name("Liebe Svenja,") == "Svenja"
    assert greeted_name("Sehr geehrte Frau Müller,") == "Frau Müller"
    assert greeted_name("Hallo zusammen!") == "" and greeted_name("Dear all,") == ""
    assert greeting_language("Sehr geehrte Frau Müller,") == Language.DE
    assert greeting_language("Dear Sven,") == Language.EN
