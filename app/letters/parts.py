"""A letter's parts found in plain text: the salutation, the closing and signature, the P.S.

Replies by email and posts imported from a blog are text in which someone wrote "Liebe
Svenja," above and "Gruß\\n\\nSven" below; these find those parts where they are there, and
never invent one that is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.accounts.models import GREETINGS
from app.letters.models import Language

# Greetings beyond the ones offered in the write form, with the language they belong to.
MORE_GREETINGS = {
    "de": ("Moin", "Servus", "Sehr geehrte", "Sehr geehrter", "Guten Morgen", "Hallöchen"),
    "en": ("Good morning", "Hey", "Greetings"),
}
GREETING_LANGUAGE = {
    word.lower(): language
    for table in (GREETINGS, MORE_GREETINGS)
    for language, words in table.items()
    for word in words
}
# Longest first, so that "Sehr geehrte" is not read as a greeting "Sehr".
GREETING_WORDS = tuple(sorted(GREETING_LANGUAGE, key=len, reverse=True))
_GREETING = re.compile(
    r"^(" + "|".join(re.escape(word) for word in GREETING_WORDS) + r")\b\s*(.*?)\s*[,!]$",
    re.IGNORECASE,
)
# Whom a greeting names when it names nobody in particular ("Hallo zusammen,").
NOBODY_IN_PARTICULAR = frozenset(
    ("zusammen", "alle", "allerseits", "ihr", "ihr lieben", "everyone", "everybody", "all",
     "all of you", "folks", "there", "you", "du", "team")
)  # fmt: skip
SALUTATION_LENGTH = 60
CLOSING_LENGTH = 40
SIGNATURE_LENGTH = 60
# Closings a letter ends with; compared lower-cased, without a trailing comma, "." or "!".
CLOSING_WORDS = frozenset(
    (
        "gruß", "grüße", "viele grüße", "liebe grüße", "beste grüße", "herzliche grüße",
        "schöne grüße", "freundliche grüße", "mit freundlichen grüßen", "herzlichst", "lg",
        "vg", "bis bald", "ciao", "tschüss", "dein", "deine", "euer", "eure", "best",
        "best wishes", "best regards", "kind regards", "regards", "warm regards", "all the best",
        "cheers", "thanks", "many thanks", "yours", "yours sincerely", "sincerely", "love",
        "take care",
    )
)  # fmt: skip
# "P.S.", "P. S.:", "PS:", "PS.", "Post Scriptum", "Postskriptum", then the P.S. itself.
_POSTSCRIPT = re.compile(
    r"^(?:P\.\s?S\.?|PS(?=[\s.:])\.?|Post\s?[sS][ck]riptum\b)\s*:?\s*", re.IGNORECASE
)
# What a line may be wrapped in that is not part of it: Markdown emphasis, a hard break.
_MARKS = "*_ \t\\"


def plain_line(line: str) -> str:
    """A line without surrounding blanks, emphasis marks or a Markdown hard break."""
    return line.strip(_MARKS)


def is_salutation(line: str) -> bool:
    """Whether a line greets someone: "Liebe Svenja,", "Dear Sven,", "Hallo!"."""
    text = plain_line(line)
    return len(text) <= SALUTATION_LENGTH and _GREETING.match(text) is not None


def greeted_name(salutation: str) -> str:
    """Whom a salutation greets ("Liebe Svenja," -> "Svenja"); "" when nobody in particular."""
    match = _GREETING.match(plain_line(salutation))
    name = match.group(2).strip() if match else ""
    return "" if name.lower() in NOBODY_IN_PARTICULAR else name


def greeting_language(salutation: str) -> Language | None:
    """The language a salutation is written in, from its greeting word."""
    match = _GREETING.match(plain_line(salutation))
    return Language(GREETING_LANGUAGE[match.group(1).lower()]) if match else None


def is_closing(line: str) -> bool:
    """Whether a line is a closing such as "Gruß", "Viele Grüße," or "Best"."""
    text = plain_line(line)
    return len(text) <= CLOSING_LENGTH and text.rstrip(",!.").lower() in CLOSING_WORDS


def closing_at_the_end(lines: list[str]) -> tuple[list[str], str, str]:
    """The body lines, closing and name, when the text ends in a closing and a name.

    "Gruß\nSven", "Gruß\n\nSven" and "Deine Svenja" alike. Nothing is split off when it
    would leave no body: "Thanks\nSvenja" is the whole reply.
    """
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    starts = [at + 1 for at, line in enumerate(lines) if not line.strip()]
    start = max(starts, default=0)
    last = [plain_line(line) for line in lines[start:]]
    closing, signature = "", ""
    if 1 <= len(last) <= 2 and is_closing(last[0]):
        closing, signature = last[0], last[1] if len(last) == 2 else ""
    elif len(last) == 1 and (split := closing_with_name(last[0])):
        closing, signature = split
    elif len(last) == 1 and start >= 2 and lines[start - 2].strip():
        before = max((at for at in starts if at < start - 1), default=0)
        if start - 1 - before == 1 and is_closing(lines[before]):
            closing, signature, start = plain_line(lines[before]), last[0], before
    body = lines[:start]
    if not closing or not "".join(body).strip() or len(signature) > SIGNATURE_LENGTH:
        return lines, "", ""
    return body, closing.rstrip(","), signature


def closing_with_name(line: str) -> tuple[str, str] | None:
    """A closing and a name on one line ("Deine Svenja", "Viele Grüße, Sven"), or None."""
    words = line.split()
    for count in range(1, min(4, len(words))):
        closing, name = " ".join(words[:count]), words[count:]
        if is_closing(closing) and len(name) <= 3 and all(word[:1].isupper() for word in name):
            return closing.rstrip(",!."), " ".join(name)
    return None


def postscript_text(paragraph: str) -> str | None:
    """A paragraph's text after its "P.S." mark ("" when the P.S. follows below it), or None
    when it does not start with one."""
    match = _POSTSCRIPT.match(paragraph)
    return None if match is None else paragraph[match.end() :]


def paragraphs_of(text: str) -> list[str]:
    """The text's paragraphs; a line marked "P.S." starts one even without a blank above."""
    paragraphs: list[str] = []
    for part in re.split(r"\n[ \t]*\n", text.strip()):
        lines: list[str] = []
        for line in part.strip("\n").split("\n"):
            if lines and postscript_text(line) is not None:
                paragraphs.append("\n".join(lines))
                lines = []
            lines.append(line)
        if "".join(lines).strip():
            paragraphs.append("\n".join(lines))
    return paragraphs


@dataclass(frozen=True)
class LetterText:
    """A text laid out as a letter; a part not found is empty."""

    salutation: str
    body: str
    closing: str
    signature: str
    postscript: str


def letter_text(text: str) -> LetterText:
    """Find a letter's parts in a text written as one (Markdown or plain, in paragraphs).

    The salutation is the first line when it greets someone; the P.S. starts at the first
    paragraph marked "P.S." and runs to the end; the closing and name are the last short
    lines before it (or, written after the P.S., at its end).
    """
    paragraphs = paragraphs_of(text)
    salutation = ""
    if paragraphs and is_salutation(paragraphs[0].split("\n", 1)[0]):
        first, _, rest = paragraphs[0].partition("\n")
        salutation = plain_line(first)
        paragraphs = ([rest] if rest.strip() else []) + paragraphs[1:]
    marked = [at for at, part in enumerate(paragraphs) if postscript_text(part) is not None]
    cut = marked[0] if marked else len(paragraphs)
    postscript = paragraphs[cut:]
    if postscript:
        postscript[0] = postscript_text(postscript[0]) or ""
    body, closing, signature = closing_at_the_end("\n\n".join(paragraphs[:cut]).split("\n"))
    if not closing and postscript:
        ps_lines, closing, signature = closing_at_the_end("\n\n".join(postscript).split("\n"))
        postscript = ["\n".join(ps_lines)]
    return LetterText(salutation, "\n".join(body).strip(), closing, signature,
                      "\n\n".join(postscript).strip())  # fmt: skip
