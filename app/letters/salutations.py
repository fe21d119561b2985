"""How a letter starts, greets and closes: from the people's own preferences, never guessed."""

from __future__ import annotations

from app.accounts.models import GREETINGS, User
from app.letters.models import Language, Letter

TITLE_LENGTH = 200  # letters.title


def suggested_salutation(addressee: User | None, addressee_name: str, language: Language) -> str:
    """The greeting a letter starts with, from the addressee's own preference."""
    name = addressee.greeting_name if addressee else addressee_name.strip()
    if language == Language.DE:
        greeting = addressee.greeting_de if addressee else "Hallo"
        return f"{greeting} {name},".strip() if name else "Hallo,"
    return f"Dear {name}," if name else "Dear colleague,"


def salutation_choices(name: str, language: Language) -> list[str]:
    """Greetings offered for a name; the writer picks one (a gender is never guessed)."""
    name = name.strip()
    return [f"{greeting} {name}," for greeting in GREETINGS[language.value]] if name else []


USUAL_CLOSINGS = {Language.DE: "Viele Grüße", Language.EN: "Best wishes"}


def closing_for(language: Language, author: User) -> str:
    """The author's own closing in their own language, else the usual one in the letter's.

    A German "Gruß" does not close an English letter, nor "Best wishes" a German one.
    """
    if author.default_closing and author.locale == language.value:
        return author.default_closing
    return USUAL_CLOSINGS[language]


def closings_for(author: User) -> dict[str, str]:
    """The closing to suggest in each language, for the write form to switch between."""
    return {language.value: closing_for(language, author) for language in Language}


def reply_title(parent: Letter) -> str:
    """ "Re: " and the answered letter's title (never "Re: Re:"), within a title's length."""
    title = parent.title if parent.title.lower().startswith("re:") else f"Re: {parent.title}"
    return title[:TITLE_LENGTH]


def reply_addressee(parent: Letter, writer: User) -> tuple[User | None, str]:
    """Whom an answer is to: the answered letter's author; answering oneself, its addressee.

    The colleague, or None and the name of an addressee who is no colleague.
    """
    if parent.author_id != writer.id:
        author = parent.author
        # A deleted account is no one to write to: the answer is to its name alone.
        return (None, author.display_name) if author.is_former else (author, "")
    return parent.addressee, parent.addressee_name
