"""Demo colleagues and two correspondences, loaded by `flask demo`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.accounts import service as accounts
from app.accounts.models import User
from app.discovery.suggestions import refresh_suggestions
from app.extensions import db
from app.letters.models import Language, Letter
from app.letters.salutations import closing_for
from app.letters.service import LetterDraft, save_letter

DEMO_PASSWORD = "briefwechsel-demo"

DEMO_PEOPLE = [
    {
        "email": "sven@example.org",
        "name": "Sven Albrecht",
        "handle": "sven",
        "is_admin": True,
        "role_line": "Geschäftsführer",
        "locale": "de",
        "greeting_de": "Lieber",
        "closing": "Gruß",
        "bio": "Leitet die Firma und beantwortet trotzdem jeden Brief selbst.",
    },
    {
        "email": "svenja@example.org",
        "name": "Svenja Köhler",
        "handle": "svenja",
        "is_admin": False,
        "role_line": "Leiterin der Entwicklung",
        "locale": "de",
        "greeting_de": "Liebe",
        "closing": "Viele Grüße",
        "bio": "Baut Teams, die liefern. Schreibt ihre Briefe am Sonntagmorgen.",
    },
    {
        "email": "priya@example.org",
        "name": "Priya Natarajan",
        "handle": "priya",
        "is_admin": False,
        "role_line": "Product designer",
        "locale": "en",
        "greeting_de": "Liebe",
        "closing": "Best",
        "bio": "Designs the tools our customers use every day. Prefers a pencil.",
    },
]

GERMAN_THREAD = [
    (
        "sven",
        "svenja",
        "Warum wir wieder Briefe schreiben sollten",
        "ich habe in den letzten Wochen gemerkt, wie viel in unseren Chats verloren geht. "
        "Eine Frage, drei Emojis, und am Ende weiß keiner mehr, was eigentlich beschlossen "
        "wurde.\n\nDeshalb ein Versuch: Lass uns die großen Fragen in offenen Briefen "
        "besprechen. Langsam, vollständig, und so, dass das ganze Team mitlesen kann.\n\n"
        "Die erste Frage gleich vorweg: Wie viel Zeit sollten wir uns für die Transformation "
        "unserer Abteilungen nehmen?",
        "Ich bin gespannt auf deine Antwort.",
    ),
    (
        "svenja",
        "sven",
        "Re: Warum wir wieder Briefe schreiben sollten",
        "danke für den Anstoß. Ich glaube, du hast recht: Ein Brief zwingt mich, einen "
        "Gedanken zu Ende zu denken, bevor ich ihn abschicke.\n\nZur Transformation: "
        "Ich würde lieber in kleinen Schritten gehen. Jedes Team wählt **eine** Gewohnheit, "
        "die es ändern will, und berichtet nach einem Monat.\n\nSchnelle Umbauten haben "
        "wir genug gesehen.",
        "",
    ),
    (
        "sven",
        "svenja",
        "Kleine Schritte, aber wohin?",
        "kleine Schritte gefallen mir. Aber sie brauchen eine Richtung, sonst laufen zwölf "
        "Teams in zwölf Richtungen.\n\nMein Vorschlag: Wir schreiben gemeinsam auf, wie ein "
        "guter Arbeitstag in zwei Jahren aussieht. Nur eine Seite. Daran messen wir dann "
        "jeden Schritt.",
        "Den Entwurf für die eine Seite schicke ich dir bis Freitag.",
    ),
]

ENGLISH_THREAD = [
    (
        "priya",
        "sven",
        "On writing things down",
        "you asked me last week why our design reviews feel so long. I think it is because "
        "we decide things out loud and forget them by Monday.\n\nHere is a proposal: every "
        "review ends with one paragraph, written by the person who asked for it, saying "
        "what we decided and why. Nothing more.",
        "A short talk on this that changed my mind: https://www.youtube.com/watch?v=Qs7Gr5J2d1M",
    ),
    (
        "sven",
        "priya",
        "Re: On writing things down",
        "one paragraph, yes. I would add a date and a name to it, so that a year from now "
        "we can still ask the person who wrote it.\n\nCan we try it for the next three "
        "reviews and compare?",
        "",
    ),
    (
        "priya",
        "sven",
        "Three reviews later",
        "we tried it. Two of the three paragraphs were written within the hour; the third "
        "took a day, and that was the review where we had not really decided anything.\n\n"
        "So the paragraph is also a test: if it is hard to write, the meeting is not over.",
        "The paragraphs are in the shared folder, under *decisions*.",
    ),
    (
        "svenja",
        "priya",
        "A note from engineering",
        "I read your letters to Sven with great interest. We will borrow the paragraph for "
        "our incident reviews, with one change: the paragraph names what we will *stop* "
        "doing.",
        "",
    ),
]


def ensure_demo_people() -> dict[str, User]:
    people: dict[str, User] = {}
    for person in DEMO_PEOPLE:
        user = accounts.user_by_email(person["email"])
        if user is None:
            user = accounts.create_user(
                person["email"],
                person["name"],
                DEMO_PASSWORD,
                is_admin=person["is_admin"],
                handle=person["handle"],
                locale=person["locale"],
            )
            accounts.update_profile(
                user,
                role_line=person["role_line"],
                bio=person["bio"],
                greeting_de=person["greeting_de"],
                default_closing=person["closing"],
            )
        people[person["handle"]] = user
    return people


def add_thread(
    people: dict[str, User],
    letters: list[tuple[str, ...]],
    language: Language,
    start: datetime,
    parents: list[int | None],
    tags: list[str],
) -> None:
    """Publish a correspondence; parents[i] is the index of the letter that i answers."""
    created: list[Letter] = []
    for number, (author, addressee, title, body, postscript) in enumerate(letters):
        parent = created[parents[number]] if parents[number] is not None else None
        writer, reader = people[author], people[addressee]
        if language == Language.DE:
            salutation = f"{reader.greeting_de} {reader.greeting_name},"
        else:
            salutation = f"Dear {reader.greeting_name},"
        draft = LetterDraft(
            title=title,
            salutation=salutation,
            # After "Liebe Svenja," a German letter goes on in lower case; English does not.
            body=body if language == Language.DE else body[:1].upper() + body[1:],
            closing=closing_for(language, writer),
            signature=writer.greeting_name,
            postscript=postscript,
            language=language,
            addressee=reader,
            addressee_name="",
            tags=tags,
        )
        published_at = start + timedelta(days=3 * number, hours=number)
        created.append(save_letter(writer, draft, True, in_reply_to=parent,
                                   published_at=published_at))  # fmt: skip


def load_demo_data() -> bool:
    """Create what is missing and commit it; returns whether letters were created."""
    first_slug = "warum-wir-wieder-briefe-schreiben-sollten"
    if db.session.scalars(select(Letter.id).where(Letter.slug == first_slug)).first():
        ensure_demo_people()
        db.session.commit()
        return False
    people = ensure_demo_people()
    now = datetime.now(UTC).replace(microsecond=0)
    add_thread(
        people,
        GERMAN_THREAD,
        Language.DE,
        now - timedelta(days=30),
        [None, 0, 1],
        ["Führung", "Transformation"],
    )
    # The last English letter answers the first one, so the thread shows a branch.
    add_thread(
        people,
        ENGLISH_THREAD,
        Language.EN,
        now - timedelta(days=12),
        [None, 0, 1, 0],
        ["Design", "Decisions"],
    )
    # Each letter's "more letters" was worked out when it was saved; the earlier ones now
    # have later letters to suggest as well.
    for letter in db.session.scalars(select(Letter)):
        refresh_suggestions(letter)
    db.session.commit()
    return True
