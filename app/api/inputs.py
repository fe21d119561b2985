"""What the API takes: query parameters and letter bodies, with the limits of the web forms.

The text of a letter is checked again by the write form itself (app/api/drafts.py); these
schemas say what can be sent at all and describe it.
"""

from __future__ import annotations

from marshmallow import Schema, ValidationError
from marshmallow.fields import Integer, List, String
from marshmallow.validate import Length, OneOf, Range, Regexp

from app.accounts.models import HANDLE_PATTERN
from app.letters.models import Language
from app.letters.related import MAX_RELATED, MAX_TAGS
from app.web import NON_TEXT_CHARACTERS

MAX_PAGE = 10_000
MAX_PER_PAGE = 100
ONE_LINE = r"^[^\x00-\x1f\x7f]*$"
SLUG = r"^[a-z0-9-]{1,120}$"


def storable(value: str) -> None:
    """Text the database can keep: a lone surrogate (valid JSON, no text) cannot be."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError("Not valid Unicode text.") from None


def no_control_characters(value: str) -> None:
    """Tab and line breaks are text; other control characters are not (NUL breaks PostgreSQL).

    A function, not a pattern in the description: a pattern on a 100,000-character field
    costs whatever checks requests against the description seconds to compile.
    """
    if NON_TEXT_CHARACTERS.search(value):
        raise ValidationError("No control characters but tab and line breaks, please.")


def text_field(max_length: int, one_line: bool = True, description: str = "") -> String:
    """A text field of the write form: one line (a pattern says so), or Markdown."""
    if one_line:
        checks = [Regexp(ONE_LINE, error="One line without control characters, please.")]
    else:
        checks = [no_control_characters]
        description = f"{description} No control characters but tab and line breaks.".strip()
    return String(
        validate=[Length(max=max_length), *checks, storable],
        metadata={"description": description},
    )


def required_body() -> String:
    return String(
        required=True,
        validate=[Length(min=1, max=100_000), no_control_characters, storable],
        metadata={"description": "Markdown. No control characters but tab and line breaks."},
    )


class PageArgs(Schema):
    page = Integer(load_default=1, validate=Range(1, MAX_PAGE))
    per_page = Integer(load_default=20, validate=Range(1, MAX_PER_PAGE))


class LetterListArgs(PageArgs):
    author = String(
        validate=Regexp(f"^{HANDLE_PATTERN.pattern}$"),
        metadata={"description": "Only letters by this colleague (@handle)."},
    )
    addressee = String(
        validate=Regexp(f"^{HANDLE_PATTERN.pattern}$"),
        metadata={"description": "Only letters to this colleague (@handle)."},
    )
    tag = String(validate=Regexp(SLUG), metadata={"description": "Only letters with this tag."})


class SearchArgs(PageArgs):
    q = String(
        required=True,
        validate=[Length(1, 500), Regexp(ONE_LINE), storable],
        metadata={"description": "Words to find; quotes, * and OR are plain words."},
    )


class LetterChangesSchema(Schema):
    """Fields of a letter, any of them: those sent replace what the letter has."""

    title = text_field(200)
    salutation = text_field(200, description="Empty: the addressee's own greeting.")
    body = text_field(100_000, one_line=False, description="Markdown.")
    closing = text_field(100)
    signature = text_field(100)
    postscript = text_field(20_000, one_line=False, description="Markdown.")
    language = String(validate=OneOf([language.value for language in Language]))
    addressee = String(
        allow_none=True,
        validate=Regexp(f"^{HANDLE_PATTERN.pattern}$"),
        metadata={"description": "A colleague's @handle; null for someone outside."},
    )
    addressee_name = text_field(100, description="The name of an addressee outside.")
    tags = List(
        String(validate=[Length(max=50), Regexp(r"^[^,\x00-\x1f\x7f]*$"), storable]),
        validate=Length(max=MAX_TAGS),
        metadata={"description": "Tag names, the first is the category."},
    )
    related = List(
        text_field(2000),
        validate=Length(max=MAX_RELATED),
        metadata={"description": "Related discussions: letters here or http(s) links."},
    )


class NewLetterSchema(LetterChangesSchema):
    """A new letter: a title and a body at least; the rest as the write page suggests."""

    title = String(
        required=True,
        validate=[Length(min=1, max=200), Regexp(ONE_LINE), storable],
    )
    body = required_body()


class AnswerSchema(LetterChangesSchema):
    """An answer: a body at least; title, addressee and language follow the answered letter."""

    body = required_body()
