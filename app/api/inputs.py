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

MAX_PAGE = 10_000
MAX_PER_PAGE = 100
# No control characters but tab, line feed and carriage return (PostgreSQL refuses NUL).
TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
ONE_LINE = r"^[^\x00-\x1f\x7f]*$"
SLUG = r"^[a-z0-9-]{1,120}$"


def storable(value: str) -> None:
    """Text the database can keep: a lone surrogate (valid JSON, no text) cannot be."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError("Not valid Unicode text.") from None


def text_field(max_length: int, one_line: bool = True, description: str = "") -> String:
    pattern = Regexp(ONE_LINE if one_line else TEXT, error="No control characters, please.")
    return String(
        validate=[Length(max=max_length), pattern, storable],
        metadata={"description": description},
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
    body = String(
        required=True,
        validate=[Length(min=1, max=100_000), Regexp(TEXT), storable],
        metadata={"description": "Markdown."},
    )


class AnswerSchema(LetterChangesSchema):
    """An answer: a body at least; title, addressee and language follow the answered letter."""

    body = String(
        required=True,
        validate=[Length(min=1, max=100_000), Regexp(TEXT), storable],
        metadata={"description": "Markdown."},
    )
