"""Letters as the API shows them: plain dicts in the shape of app/api/letter_schemas.py.

A list of letters costs the same few queries however long it is: their people come with the
letters (`with_people`); tags, links, correspondence sizes and signatures come in a query or
two each.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.letters.models import Letter, LetterStatus
from app.letters.queries import replies_to, thread_sizes
from app.links.listing import links_of_letters, tags_of_letters
from app.links.service import LetterLinks, LetterReference
from app.signatures.listing import ShownSignature, signatures_for_feed
from app.signatures.models import ClosedSigning
from app.web import absolute_url
from app.webmentions.answers import OutsideAnswer, responses_to


def person(user: User | None, name: str = "") -> dict[str, Any]:
    """A colleague, or a name alone for someone outside."""
    if user is None or user.is_former:
        name = user.display_name if user is not None else name
        return {"handle": None, "display_name": name, "url": None, "permalink": None}
    return {
        "handle": user.handle,
        "display_name": user.display_name,
        "url": absolute_url("api.colleague", handle=user.handle),
        "permalink": absolute_url("discovery.profile", handle=user.handle),
    }


def addresses_of_letter(slug: str) -> dict[str, str]:
    return {
        "url": absolute_url("api.letter", slug=slug),
        "permalink": absolute_url("letters.show", slug=slug),
    }


def letter_summary(letter: Letter) -> dict[str, Any]:
    """A letter without its text (its author and addressee must be loaded)."""
    return {
        "slug": letter.slug,
        "title": letter.title,
        "status": letter.status.value,
        "language": letter.language.value,
        "author": person(letter.author),
        "addressee": person(letter.addressee, letter.addressee_name),
        "excerpt": letter.excerpt,
        "published_at": letter.published_at,
        **addresses_of_letter(letter.slug),
    }


def letter_text(letter: Letter) -> dict[str, Any]:
    """A letter with its text."""
    return {
        **letter_summary(letter),
        "created_at": letter.created_at,
        "edited_at": letter.edited_at,
        "salutation": letter.salutation,
        "body": letter.body,
        "body_html": letter.body_html,
        "closing": letter.closing,
        "signature": letter.signature,
        "postscript": letter.postscript,
        "postscript_html": letter.postscript_html,
    }


def reference(found: LetterReference) -> dict[str, Any]:
    return {**vars(found), **addresses_of_letter(found.slug)}


def links_shown(links: LetterLinks) -> dict[str, Any]:
    return {
        "related_letters": [reference(found) for found in links.related_letters],
        "outside": [{"url": link.url, "label": link.label} for link in links.outside],
        "mentioned_in": [reference(found) for found in links.mentioned_in],
    }


def answered_letter(letter: Letter) -> dict[str, Any] | None:
    """What the letter answers; of a letter no longer published, nothing (as its page does)."""
    if letter.in_reply_to_id is None:
        return None
    parent = letter.in_reply_to
    if parent is None or parent.status != LetterStatus.PUBLISHED:
        empty = dict.fromkeys(("slug", "title", "author", "url", "permalink"))
        return {"available": False, **empty}
    return {
        "available": True,
        "slug": parent.slug,
        "title": parent.title,
        "author": parent.author.display_name,
        **addresses_of_letter(parent.slug),
    }


def correspondence_of(letter: Letter, sizes: dict[int, int]) -> dict[str, Any]:
    root_slug = letter.thread_root.slug if letter.thread_root else letter.slug
    return {
        "slug": root_slug,
        "url": absolute_url("api.correspondence", slug=root_slug),
        "permalink": absolute_url("letters.thread", slug=root_slug),
        "size": sizes.get(letter.thread_root_id or letter.id, 0),
    }


def letters_in_full(letters: Sequence[Letter]) -> list[dict[str, Any]]:
    """Letters with their text, tags, links and correspondence (loaded with `with_people`)."""
    ids = [letter.id for letter in letters]
    tags, links = tags_of_letters(ids), links_of_letters(ids)
    sizes = thread_sizes({letter.thread_root_id or letter.id for letter in letters})
    signatures = signatures_of_letters(letters)
    return [
        {
            **letter_text(letter),
            "tags": [tag_reference(tag.name, tag.slug) for tag in tags.get(letter.id, [])],
            "links": links_shown(links[letter.id]),
            "in_reply_to": answered_letter(letter),
            "thread": correspondence_of(letter, sizes),
            "signatures": signatures[letter.id],
        }
        for letter in letters
    ]


def signer(shown: ShownSignature) -> dict[str, Any]:
    """A named signer; a colleague with their address in the API."""
    url = absolute_url("api.colleague", handle=shown.handle) if shown.handle else None
    return {
        "name": shown.name,
        "affiliation": shown.affiliation,
        "signed_at": shown.signed_at,
        "handle": shown.handle,
        "url": url,
    }


def signatures_of_letters(letters: Sequence[Letter]) -> dict[int, dict[str, Any]]:
    """Each letter's count of signatures, first named signers and whether it can be signed.

    Three statements at most, however many letters: the counts and names as a feed reads
    them, and the letters whose author closed signing.
    """
    ids = [letter.id for letter in letters]
    signed = signatures_for_feed(ids)
    closed = set(
        db.session.scalars(select(ClosedSigning.letter_id).where(ClosedSigning.letter_id.in_(ids)))
    )
    return {
        letter.id: {
            "count": signed[letter.id].total if letter.id in signed else 0,
            "open": letter.status == LetterStatus.PUBLISHED and letter.id not in closed,
            "names": [signer(name) for name in signed[letter.id].names]
            if letter.id in signed
            else [],
            "url": absolute_url("api.signatures", slug=letter.slug),
        }
        for letter in letters
    }


def tag_reference(name: str, slug: str) -> dict[str, str]:
    return {
        "name": name,
        "slug": slug,
        "url": absolute_url("api.tag", slug=slug),
        "permalink": absolute_url("discovery.tag", slug=slug),
    }


def letter_in_detail(letter: Letter) -> dict[str, Any]:
    """One letter in full, with the published letters that answer it."""
    replies = [
        {
            "slug": reply.slug,
            "title": reply.title,
            "author": reply.author,
            "published_at": reply.published_at,
            **addresses_of_letter(reply.slug),
        }
        for reply in replies_to(letter)
        if reply.is_published
    ]
    return {**letters_in_full([letter])[0], "replies": replies, "outside": outside_of(letter)}


def outside_answer(answer: OutsideAnswer) -> dict[str, Any]:
    names = ("source", "domain", "author_name", "author_url", "title", "content_html")
    return {**{name: getattr(answer, name) for name in names}, "published_at": answer.published_at}


def outside_of(letter: Letter) -> dict[str, Any]:
    """Other sites' answers, mentions, likes and reposts; none for a letter not published."""
    if not letter.is_published:
        return {"replies": [], "mentions": [], "likes": 0, "reposts": 0}
    responses = responses_to(letter)
    return {
        "replies": [outside_answer(answer) for answer in responses.replies],
        "mentions": [outside_answer(answer) for answer in responses.mentions],
        "likes": responses.likes,
        "reposts": responses.reposts,
    }
