"""The words of a reply: its own text without the quoted mail, split like a letter.

mail-parser-reply (German and English) finds where the quoted earlier mail begins ("Am …
schrieb …:", "On … wrote:", Outlook's header block) and where the closing and signature
start; an HTML-only mail is turned into text by inscriptis first (any mail client's HTML,
styles and all: app/text/html_text.py reads only our own sanitised letters).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import EmailMessage

from inscriptis import get_text
from mailparser_reply.parser import EmailMessage as ParsedMail

from app.letters.parts import CLOSING_LENGTH, SIGNATURE_LENGTH, closing_at_the_end, is_salutation

# "-- " (RFC 3676), after mail-parser-reply has stripped each line.
SIGNATURE_SEPARATORS = ("--", "__")
LANGUAGES = ("de", "en")
# What phones and webmail add under a mail: not the writer's words.
DEVICE_LINE = re.compile(
    r"^(sent from my |von meinem .{1,40} gesendet|gesendet von meinem |get outlook for )", re.I
)


def compiled_patterns() -> dict[str, re.Pattern[str]]:
    """mail-parser-reply's three large expressions for our languages, built once.

    The library puts them together for every message it reads, and compiles them again
    (about 10 ms) whenever Python's small cache of compiled expressions has let them go;
    a message given them already compiled uses them as they are.
    """
    sample = ParsedMail(text="", languages=list(LANGUAGES))
    return {
        "_header_regex": sample.HEADER_REGEX,
        "_disclaimers_regex": sample.DISCLAIMERS_REGEX,
        "_signature_regex": sample.SIGNATURE_REGEX,
    }


PATTERNS = compiled_patterns()


def read_reply(text: str) -> ParsedMail:
    """The text split into its replies (the newest first), with the patterns built once."""
    return ParsedMail(text=text, languages=list(LANGUAGES), **PATTERNS).read()


@dataclass(frozen=True)
class ReplyParts:
    """A reply laid out as a letter; body is the writer's plain text, in paragraphs."""

    salutation: str
    body: str
    closing: str
    signature: str


def message_text(message: EmailMessage) -> str:
    """The text part, else the HTML part as text; "" when there is neither."""
    try:
        part = message.get_body(preferencelist=("plain", "html"))
    except Exception:  # noqa: BLE001 — a broken structure holds no readable body
        return ""
    if part is None:
        return ""
    # A NUL is never part of what someone wrote, and PostgreSQL refuses it in text.
    text = decoded(part).replace("\x00", "")
    return get_text(text) if part.get_content_subtype() == "html" else text


def decoded(part: EmailMessage) -> str:
    """The part's text in its charset; unknown charsets and broken bytes do not stop us."""
    try:
        return str(part.get_content())
    except (LookupError, UnicodeError, AssertionError, KeyError, ValueError):
        payload = part.get_payload(decode=True)
        return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""


def attachment_count(message: EmailMessage) -> int:
    """Parts the sender attached (files, pictures, inline ones too): they are not imported."""
    try:
        return sum(1 for part in message.walk() if is_attachment(part))
    except Exception:  # noqa: BLE001 — an unreadable structure: nothing we could import
        return 0


def is_attachment(part: EmailMessage) -> bool:
    if part.is_multipart():
        return False
    return (
        part.get_content_disposition() == "attachment"
        or bool(part.get_filename())
        or part.get_content_maintype() not in ("text", "message")
    )


def reply_parts(text: str) -> ReplyParts | None:
    """The reply's own words as a letter, or None when it holds none (only the quote)."""
    reply = read_reply(text).replies[0] if text.strip() else None
    # A first fragment with a header above it is the quoted mail: nothing was written above.
    if reply is None or reply.headers or not reply.body.strip():
        return None
    lines = written_lines(reply.body)
    salutation = ""
    if lines and is_salutation(lines[0]) and (len(lines) == 1 or not lines[1].strip()):
        salutation, lines = lines[0].strip(), lines[1:]
    closing, signature = closing_and_signature(reply.signatures)
    if not closing:
        lines, closing, signature = closing_at_the_end(lines)
    body = tidy_paragraphs("\n".join(lines))
    if not body:
        return None
    return ReplyParts(salutation, body, closing, signature)


def written_lines(text: str) -> list[str]:
    """The lines someone wrote: without quoted lines, nor what their phone added below them.

    A quote with no "wrote:" line above it is left in place by the parser; it is still
    someone else's words, and a letter never publishes them under the writer's name.
    """
    return [
        line
        for line in text.strip().split("\n")
        if not line.lstrip().startswith(">") and not DEVICE_LINE.match(line.strip())
    ]


def closing_and_signature(signatures: str) -> tuple[str, str]:
    """The closing line and the name under it, from the block the parser took as signature.

    What follows a "-- " line is the mail signature (address, phone): dropped.
    """
    lines = []
    for line in signatures.split("\n"):
        if line.strip() in SIGNATURE_SEPARATORS:
            break
        if not DEVICE_LINE.match(line.strip()):
            lines.append(line.strip())
    lines = [line for line in lines if line]
    if not lines or len(lines[0]) > CLOSING_LENGTH:
        return "", ""
    closing = lines[0].rstrip(",")
    signature = lines[1] if len(lines) > 1 and len(lines[1]) <= SIGNATURE_LENGTH else ""
    return closing, signature


def tidy_paragraphs(text: str) -> str:
    """Paragraphs one blank line apart, each line trimmed, empty lines between them dropped."""
    paragraphs = []
    for block in text.split("\n\n"):
        lines = [line.strip() for line in block.strip().split("\n") if line.strip()]
        if lines:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def markdown_paragraphs(text: str) -> str:
    """Tidy plain text as Markdown: paragraphs stay paragraphs, nothing turns into markup.

    Only for the letter: a reader's reply goes to the author as the plain text it is.
    """
    return "\n".join(escaped_line(line) for line in text.split("\n"))


def escaped_line(line: str) -> str:
    """A line that Markdown would read as a heading, quote or rule, kept as plain text."""
    text = line.strip()
    if text[:1] in ("#", ">", "=", "-", "+", "*") and text[:2] not in ("- ", "* ", "+ "):
        return "\\" + text
    return text
