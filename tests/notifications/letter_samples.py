"""Letters whose notices the mail tests read: one with every part, and a very long one."""

from __future__ import annotations

import itertools
import random

VIDEO = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
IMAGE = "https://images.example.net/whiteboard.jpg"

PARTS = {
    "en": {
        "salutation": "Dear Svenja,",
        "closing": "Best wishes",
        "signature": "Sven",
        "mark": "P.S.",
        "opening": "thank you for your letter about listening in meetings.",
        "watch": "Watch the video on YouTube",
        "read_on": "Read on",
    },
    "de": {
        "salutation": "Liebe Svenja,",
        "closing": "Gruß",
        "signature": "Sven",
        "mark": "PS",
        "opening": "danke für deinen Brief über das Zuhören in Besprechungen.",
        "watch": "Das Video auf YouTube ansehen",
        "read_on": "Weiterlesen",
    },
}


def full_letter_body(language: str) -> str:
    """A body with every kind of block a writer uses, and markup that must not survive."""
    opening = PARTS[language]["opening"]
    return (
        f"{opening}\n\n"
        "Here is [our earlier letter](/letters/an-earlier-letter) and the "
        "[team page](https://example.org/team), which says more about the plan than "
        "any single meeting could, and this sentence runs long enough to be wrapped.\n\n"
        "- first point\n- second point\n\n"
        "> A quoted line from your letter.\n\n"
        f"![the whiteboard after the workshop]({IMAGE})\n\n"
        "<script>alert('x')</script><form action=\"https://evil.example\"><input></form>"
        '<iframe src="https://evil.example/frame"></iframe> [click](javascript:alert(1))\n\n'
        "The last paragraph of the body."
    )


def full_letter(language: str) -> dict[str, str]:
    """The fields of make_letter for a letter with every part."""
    parts = PARTS[language]
    return {
        "title": "Über das Zuhören" if language == "de" else "On listening",
        "language": language,
        "salutation": parts["salutation"],
        "body": full_letter_body(language),
        "closing": parts["closing"],
        "signature": parts["signature"],
        "postscript": f"The talk I mentioned: {VIDEO}",
    }


WORDS = {
    "en": "the letter we wrote about meetings and reviews asks what colleagues need to hear "
    "before they decide anything together with customers partners engineering design",
    "de": "der Brief über Besprechungen und Rückblicke fragt was Kolleginnen hören müssen "
    "bevor sie gemeinsam mit Kunden Partnern Entwicklung Gestaltung etwas entscheiden",
}


def long_body(language: str, words: int = 5_000) -> tuple[str, list[str]]:
    """A body of `words` words in paragraphs of 60 to 120, numbered, some words marked up."""
    vocabulary = WORDS[language].split()
    chooser = random.Random(12)
    stream = (chooser.choice(vocabulary) for _ in itertools.count())
    paragraphs, written = [], 0
    while written < words:
        size = min(chooser.randint(60, 120), words - written)
        text = [next(stream) for _ in range(size)]
        text[3] = f"**{text[3]}**"
        text[7] = f"[{text[7]}](https://example.org/notes/{len(paragraphs)})"
        paragraphs.append(f"Paragraph {len(paragraphs) + 1}: " + " ".join(text) + ".")
        written += size
    return "\n\n".join(paragraphs), paragraphs
