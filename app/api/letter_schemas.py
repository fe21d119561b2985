"""What the API answers, as marshmallow schemas: they shape the JSON and its description.

Every field is always present (`required`); one that can be empty says so (`nullable`).
"""

from __future__ import annotations

from marshmallow import Schema
from marshmallow.fields import Boolean, DateTime, Integer, List, Nested, String
from marshmallow.validate import OneOf

from app.letters.models import Language, LetterStatus


def text(description: str = "", nullable: bool = False) -> String:
    return String(required=True, allow_none=nullable, metadata={"description": description})


def moment(description: str = "", nullable: bool = True) -> DateTime:
    return DateTime(required=True, allow_none=nullable, metadata={"description": description})


def many(schema: type[Schema], description: str = "") -> List:
    return List(Nested(schema), required=True, metadata={"description": description})


class PersonSchema(Schema):
    """A colleague, or someone outside whom a letter is to (then only a name)."""

    handle = text("The colleague's @handle; null for someone outside.", nullable=True)
    display_name = text()
    url = text("The colleague in the API.", nullable=True)
    permalink = text("The colleague's page.", nullable=True)


class TagRefSchema(Schema):
    name = text()
    slug = text()
    url = text("The tag in the API.")
    permalink = text("The tag's page.")


class LetterReferenceSchema(Schema):
    """Another letter as a list names it."""

    slug = text()
    title = text()
    published_at = moment()
    author = text("The author's name.")
    addressee = text("The addressee's name.")
    url = text()
    permalink = text()


class OutsideLinkSchema(Schema):
    url = text()
    label = text()


class LinksSchema(Schema):
    related_letters = many(LetterReferenceSchema, "Related discussions here (published ones).")
    outside = many(OutsideLinkSchema, "Related discussions elsewhere.")
    mentioned_in = many(LetterReferenceSchema, "Published letters that link to this one.")


class InReplyToSchema(Schema):
    """The letter this one answers; of one no longer published, nothing but that."""

    available = Boolean(required=True)
    slug = text(nullable=True)
    title = text(nullable=True)
    author = text(nullable=True)
    url = text(nullable=True)
    permalink = text(nullable=True)


class ThreadRefSchema(Schema):
    slug = text("The first letter's slug, which names the correspondence.")
    url = text("The correspondence in the API.")
    permalink = text("The correspondence's page.")
    size = Integer(required=True, metadata={"description": "Its published letters."})


class LetterSummarySchema(Schema):
    """A letter without its text: what lists of letters name."""

    slug = text("Stable once the letter is published.")
    title = text()
    status = String(required=True, validate=OneOf([status.value for status in LetterStatus]))
    language = String(required=True, validate=OneOf([language.value for language in Language]))
    author = Nested(PersonSchema, required=True)
    addressee = Nested(PersonSchema, required=True)
    excerpt = text("The start of the body as plain text.")
    published_at = moment("Null while a draft.")
    url = text("The letter in the API.")
    permalink = text("The letter's page.")


class LetterTextSchema(LetterSummarySchema):
    """A letter with its text, as a correspondence shows it."""

    created_at = moment(nullable=False)
    edited_at = moment("When the published text last changed; null if never.")
    salutation = text()
    body = text("Markdown, as written.")
    body_html = text("The body as the letter page shows it (sanitised HTML).")
    closing = text()
    signature = text()
    postscript = text("Markdown; may be empty.")
    postscript_html = text()


class SignerSchema(Schema):
    """Someone who signed a letter and chose to be named."""

    name = text("A colleague's current name, or a reader's as they signed.")
    affiliation = text("A reader's affiliation, or a colleague's role line.")
    signed_at = moment(nullable=False)
    handle = text("A colleague's @handle; null for a reader.", nullable=True)
    url = text("The colleague in the API.", nullable=True)


class SignaturesSchema(Schema):
    """Who stands behind an open letter."""

    count = Integer(required=True, metadata={"description": "Confirmed signatures."})
    open = Boolean(
        required=True, metadata={"description": "The letter can be signed now (published)."}
    )
    names = many(SignerSchema, "The first 100 named signers, in order of signing.")
    url = text("Every named signer, page by page.")


class LetterSchema(LetterTextSchema):
    """A letter, its text, and its place among the others."""

    tags = many(TagRefSchema, "The first is the letter's category.")
    links = Nested(LinksSchema, required=True)
    in_reply_to = Nested(InReplyToSchema, required=True, allow_none=True)
    thread = Nested(ThreadRefSchema, required=True)
    signatures = Nested(SignaturesSchema, required=True)


class ReplySchema(Schema):
    slug = text()
    title = text()
    author = text("The author's name.")
    published_at = moment()
    url = text()
    permalink = text()


class OutsideAnswerSchema(Schema):
    """A page on another site that answers or mentions the letter (Webmention), or a comment
    brought in from the old blog."""

    source = text("The page's address.")
    domain = text()
    author_name = text()
    author_url = text()
    title = text()
    content_html = text("Its text, sanitised as the letter page shows it.")
    published_at = moment()


class OutsideResponsesSchema(Schema):
    replies = many(OutsideAnswerSchema, "Answers from other sites, oldest first.")
    mentions = many(OutsideAnswerSchema, "Pages elsewhere that mention the letter.")
    likes = Integer(required=True)
    reposts = Integer(required=True)


class LetterDetailSchema(LetterSchema):
    replies = many(ReplySchema, "The published letters that answer this one, oldest first.")
    outside = Nested(
        OutsideResponsesSchema,
        required=True,
        metadata={"description": "What other sites said of it, as the letter page shows."},
    )


class PaginationSchema(Schema):
    page = Integer(required=True)
    per_page = Integer(required=True)
    previous_page = Integer(required=True, allow_none=True)
    next_page = Integer(required=True, allow_none=True, metadata={"description": "Null: last."})


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    """A page of a list: its items, and where the neighbouring pages are."""
    fields = {"items": many(item), "pagination": Nested(PaginationSchema, required=True)}
    return Schema.from_dict(fields, name=name)


LetterPageSchema = page_schema(LetterSchema, "LetterPage")
