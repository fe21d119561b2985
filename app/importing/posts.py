"""A blog post read as a letter: its parts, addressee, language, title and tags.

A part is taken only where the text has it ("Liebe Svenja," above, "Gruß\\n\\nSven" below,
a "P.S."); nothing is made up for a post that has none, and the report counts them. A post
that greets nobody is to its readers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape

from app.accounts.models import User
from app.importing.authors import Colleagues
from app.importing.wxr import Item
from app.letters.models import Language
from app.letters.parts import LetterText, greeted_name, greeting_language, letter_text
from app.letters.related import MAX_TAGS
from app.letters.salutations import TITLE_LENGTH
from app.letters.service import LetterDraft
from app.text.characters import cleaned_text
from app.text.markdown import find_video_embeds, plain_excerpt
from app.text.slugs import slugify

TAG_DOMAINS = ("category", "post_tag", "tag")  # "tag" in WXR 1.0
# WordPress files a post it has no category for under this one: it says nothing.
NO_CATEGORY = "uncategorized"
TAG_NAME_LENGTH, TAG_SLUG_LENGTH = 50, 60  # tags.name, tags.slug
ADDRESSEE_LENGTH = 100  # letters.addressee_name
READERS = {Language.DE: "Leserinnen und Leser", Language.EN: "Readers"}
# Words that tell German from English in the first lines of a post without a greeting.
GERMAN_WORDS = frozenset(
    "und der das ist nicht ich du wir mit zu ein eine auch auf für sich dass wie aber oder".split()
)
ENGLISH_WORDS = frozenset(
    "the and is not you we with to of that it for on are this have be was but or".split()
)


@dataclass
class PostFindings:
    """What was and was not found in one post, for the report."""

    addressed: str = ""  # "colleague", "outside" or "readers"
    tags_left_out: int = 0
    parts: LetterText = field(default_factory=lambda: LetterText("", "", "", "", ""))

    @property
    def video_in_postscript(self) -> bool:
        return bool(find_video_embeds(self.parts.postscript))


def post_title(title: str, body: str, wp_id: int) -> str:
    """The post's title as text; a post without one is named by its first words."""
    text = " ".join(unescape(re.sub(r"<[^>]*>", "", title)).split())
    if not text:
        text = plain_excerpt(body, 80) if body.strip() else f"Post {wp_id}"
    return text[:TITLE_LENGTH].strip()


def guessed_language(parts: LetterText, blog_language: str) -> Language:
    """The salutation's language, else the one most of the first words are in, else the
    blog's."""
    greeted = greeting_language(parts.salutation) if parts.salutation else None
    if greeted is not None:
        return greeted
    words = re.findall(r"[a-zäöüß]+", (parts.body + " " + parts.postscript)[:3000].lower())
    german = sum(word in GERMAN_WORDS for word in words)
    english = sum(word in ENGLISH_WORDS for word in words)
    if german != english:
        return Language.DE if german > english else Language.EN
    return Language.DE if blog_language.lower().startswith("de") else Language.EN


def tag_names(item: Item) -> tuple[list[str], int]:
    """The post's categories, then its tags, each once: as many as a letter may have, and
    how many more were left out."""
    names: dict[str, str] = {}
    ordered = sorted(item.terms, key=lambda term: term.domain != "category")
    for term in ordered:
        if term.domain not in TAG_DOMAINS:
            continue  # post formats and the taxonomies of plugins
        name = " ".join(cleaned_text(unescape(term.name))[0].split())[:TAG_NAME_LENGTH]
        while len(slugify(name, "")) > TAG_SLUG_LENGTH:
            name = name[:-1]
        slug = slugify(name, "")
        if slug and slug != NO_CATEGORY:
            names.setdefault(slug, name)
    kept = list(names.values())
    return kept[:MAX_TAGS], max(0, len(kept) - MAX_TAGS)


def addressee_of(
    parts: LetterText, author: User, colleagues: Colleagues, language: Language
) -> tuple[User | None, str, str]:
    """The colleague greeted, else the name greeted, else the readers; and which it was."""
    name = greeted_name(parts.salutation)[:ADDRESSEE_LENGTH] if parts.salutation else ""
    if not name:
        return None, READERS[language], "readers"
    colleague = colleagues.addressee(name, author)
    if colleague is not None:
        return colleague, "", "colleague"
    return None, name, "outside"


def letter_draft(
    item: Item, markdown: str, author: User, colleagues: Colleagues, blog_language: str
) -> tuple[LetterDraft, PostFindings]:
    """The letter a post becomes, and what was found in it."""
    parts = letter_text(markdown)
    language = guessed_language(parts, blog_language)
    addressee, addressee_name, addressed = addressee_of(parts, author, colleagues, language)
    tags, left_out = tag_names(item)
    draft = LetterDraft(
        title=post_title(item.title, parts.body, item.wp_id),
        salutation=parts.salutation,
        body=parts.body,
        closing=parts.closing[:100],
        signature=parts.signature[:100],
        postscript=parts.postscript,
        language=language,
        addressee=addressee,
        addressee_name=addressee_name,
        tags=tags,
    )
    return draft, PostFindings(addressed, left_out, parts)
