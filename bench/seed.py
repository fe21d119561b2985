"""Benchmark data: colleagues and correspondences written through the app's own services."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from app import create_app
from app.accounts import service as accounts
from app.accounts.models import User
from app.extensions import db
from app.letters.models import Language, Letter
from app.letters.queries import thread_letters_in_reading_order
from app.letters.related import OutsideLink, RelatedInput
from app.letters.salutations import suggested_salutation
from app.letters.service import LetterDraft, save_letter

NAMES = [
    "Sven Albrecht",
    "Svenja Köhler",
    "Priya Natarajan",
    "Jonas Weber",
    "Amara Okafor",
    "Lena Hoffmann",
    "Mateo García",
    "Hannah Schulz",
    "Kenji Watanabe",
    "Clara Neumann",
    "Tomasz Kowalski",
    "Ines Brandt",
]
TOPICS = [
    "writing decisions down",
    "the next reorganisation",
    "slow meetings",
    "our hiring process",
    "remote Fridays",
    "the customer council",
    "technical debt",
    "the quarterly plan",
]
CATEGORIES = ["Leadership", "Engineering", "Design", "Culture", "Hiring", "Process"]
COMMON_WORDS = (
    "we decide too quickly in meetings and then forget what we decided which is why a letter "
    "makes me finish a thought before I send it and lets the whole team read along slowly "
    "and completely the question is how much time the departments need for the change and "
    "whether small steps with one clear direction serve us better than a grand plan"
).split()
SYLLABLES = "ka ve lo ri mun ta sel pra dor ne gu fis ber wan ti som ple kro da zen".split()


def vocabulary(rng: random.Random, size: int = 4000) -> list[str]:
    """Made-up words of 2–5 syllables: the rarer, telling words of real letters."""
    words = sorted({"".join(rng.choices(SYLLABLES, k=rng.randint(2, 5))) for _ in range(size * 2)})
    rng.shuffle(words)  # sorted first: a set's order changes from run to run
    return words[:size]


VOCABULARY = vocabulary(random.Random(1))


def rare_word(rng: random.Random) -> str:
    """A word of the vocabulary, the k-th one with a frequency about 1/k (Zipf's law)."""
    return VOCABULARY[int(len(VOCABULARY) ** rng.random()) - 1]


def paragraph(rng: random.Random) -> str:
    """45–90 words: mostly common ones, the rest from the made-up vocabulary."""
    text = [
        rng.choice(COMMON_WORDS) if rng.random() < 0.6 else rare_word(rng)
        for _ in range(rng.randint(45, 90))
    ]
    text[rng.randrange(len(text))] = f"**{rng.choice(COMMON_WORDS)}**"
    if rng.random() < 0.3:
        text[rng.randrange(len(text))] = f"[{rare_word(rng)}](https://example.org/notes)"
    return " ".join(text).capitalize() + "."


def letter_draft(
    rng: random.Random,
    author: User,
    addressee: User,
    title: str,
    tags: list[str],
    earlier: list[str],
) -> LetterDraft:
    """A letter of 3–6 paragraphs; some with a P.S. (a few with a video), related letters
    and outside discussions, or a link to an earlier letter in the text."""
    paragraphs = [paragraph(rng) for _ in range(rng.randint(3, 6))]
    related = RelatedInput()
    if earlier and rng.random() < 0.1:
        paragraphs.append(f"As I wrote [before](/letters/{rng.choice(earlier)}), this matters.")
    if earlier and rng.random() < 0.2:
        related.slugs = rng.sample(earlier, min(2, len(earlier)))
        related.outside = [OutsideLink("https://example.org/essay", "An essay on this")]
    postscript = ""
    if rng.random() < 0.3:
        postscript = paragraph(rng)[:160]
        if rng.random() < 0.3:
            postscript += " https://www.youtube.com/watch?v=Qs7Gr5J2d1M"
    return LetterDraft(
        title=title,
        salutation=suggested_salutation(addressee, "", Language.EN),
        body="\n\n".join(paragraphs),
        closing="Best",
        signature=author.greeting_name,
        postscript=postscript,
        language=Language.EN,
        addressee=addressee,
        addressee_name="",
        tags=tags,
        related=related,
    )


def add_thread(
    rng: random.Random, people: list[User], size: int, number: int, earlier: list[str]
) -> Letter:
    """A correspondence of `size` letters: mostly a chain, sometimes a branch."""
    pair = rng.sample(people, 2)
    topic = rng.choice(TOPICS)
    root_title = f"On {topic}, letter {number}"
    tags = [rng.choice(CATEGORIES), topic]
    moment = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=number)
    created: list[Letter] = []
    for index in range(size):
        author, addressee = pair[index % 2], pair[(index + 1) % 2]
        parent = None
        if created:
            parent = created[-1] if rng.random() < 0.8 else rng.choice(created)
            addressee = next(p for p in people if p.id == parent.author_id)
            if addressee.id == author.id:
                author = pair[0] if author.id == pair[1].id else pair[1]
        title = root_title if parent is None else f"Re: {root_title}"
        if parent is not None and rng.random() < 0.3:
            title = f"{rng.choice(TOPICS).capitalize()}, {number}.{index}"
        draft = letter_draft(rng, author, addressee, title, tags, earlier)
        letter = save_letter(author, draft, publish=True, in_reply_to=parent)
        letter.published_at = moment + timedelta(hours=index)  # spread over time
        created.append(letter)
    db.session.commit()
    earlier.extend(letter.slug for letter in created[:5])
    return created[0]


def seed_letters(database_url: str, letters: int, longest: int = 50) -> tuple[str, str]:
    """Seed the database; returns (a letter in the middle of a long thread, that thread's root)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench"})
    rng = random.Random(20140917)
    with app.app_context():
        db.create_all()
        people = []
        for index, name in enumerate(NAMES):
            user = accounts.create_user(f"person{index}@example.org", name, "bench-password-1")
            accounts.update_profile(user, role_line="Colleague", bio=paragraph(rng)[:200])
            people.append(user)
        earlier: list[str] = []
        written, number = 0, 1
        while written < letters - longest:
            size = min(rng.randint(1, longest), letters - longest - written)
            add_thread(rng, people, size, number, earlier)
            written, number = written + size, number + 1
        # The benchmarked correspondence comes last, so its letters can name earlier ones.
        long_root = add_thread(rng, people, longest, number, earlier)
        entries = thread_letters_in_reading_order(long_root)
        slugs = entries[len(entries) // 2].letter.slug, long_root.slug
        db.session.remove()
        db.engine.dispose()
    return slugs
