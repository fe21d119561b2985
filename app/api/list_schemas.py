"""What the API answers about correspondences, colleagues, tags and searches."""

from __future__ import annotations

from marshmallow import Schema
from marshmallow.fields import Boolean, Integer, List, Nested, String

from app.api.letter_schemas import (
    LetterSummarySchema,
    LetterTextSchema,
    PaginationSchema,
    many,
    page_schema,
    text,
)


class ThreadEntrySchema(Schema):
    """A place in a correspondence: a letter, or what stands where one is no longer shown."""

    depth = Integer(required=True, metadata={"description": "0 for the first letter."})
    parent = Integer(
        required=True,
        allow_none=True,
        metadata={"description": "The index in `letters` of the entry this one answers."},
    )
    letter = Nested(LetterTextSchema, required=True, allow_none=True)
    placeholder = text(
        "Why no letter is shown: `withdrawn` (by its author) or `unavailable`.", nullable=True
    )
    withdrawn_by = text("Who withdrew the letter (their name).", nullable=True)


class CorrespondenceSchema(Schema):
    """A correspondence: every letter in reading order, each after the letter it answers."""

    slug = text("The first letter's slug.")
    title = text("The first letter's title; null while it is not published.", nullable=True)
    size = Integer(required=True, metadata={"description": "Its published letters."})
    url = text()
    permalink = text()
    letters = many(ThreadEntrySchema)


class CorrespondenceCardSchema(Schema):
    """A correspondence in the list: its latest letter stands for it."""

    slug = text("The first letter's slug.")
    title = text("The first letter's title; null while it is not published.", nullable=True)
    size = Integer(required=True)
    people = List(String(), required=True, metadata={"description": "Who takes part."})
    latest = Nested(LetterSummarySchema, required=True)
    url = text()
    permalink = text()


CorrespondencePageSchema = page_schema(CorrespondenceCardSchema, "CorrespondencePage")


class ColleagueSchema(Schema):
    handle = text()
    display_name = text()
    role_line = text()
    bio = text("Markdown.")
    bio_html = text()
    avatar = text("The picture's address.")
    letters_written = Integer(required=True, metadata={"description": "Published letters."})
    url = text()
    permalink = text()


ColleaguePageSchema = page_schema(ColleagueSchema, "ColleaguePage")


class ColleagueDetailSchema(ColleagueSchema):
    letters = many(LetterSummarySchema, "Their published letters, newest first: one page.")
    pagination = Nested(PaginationSchema, required=True)


class TagSchema(Schema):
    name = text()
    slug = text()
    letters_count = Integer(required=True, metadata={"description": "Published letters."})
    url = text()
    permalink = text()


TagPageSchema = page_schema(TagSchema, "TagPage")


class TagDetailSchema(TagSchema):
    letters = many(LetterSummarySchema, "Its published letters, newest first, one page.")
    pagination = Nested(PaginationSchema, required=True)


class SearchHitSchema(Schema):
    letter = Nested(LetterSummarySchema, required=True)
    snippet = text("Where the words were found, as HTML with <mark> around them.")


class SearchResultsSchema(Schema):
    query = text()
    total = Integer(required=True, metadata={"description": "Matches, at most 1,000."})
    more = Boolean(
        required=True,
        metadata={"description": "More letters match: the best of the newest 1,000 are shown."},
    )
    items = many(SearchHitSchema)
    pagination = Nested(PaginationSchema, required=True)
