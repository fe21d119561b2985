"""A colleague's reply by email made into a reply letter, as the reply page would start it."""

from __future__ import annotations

from app.accounts.models import User
from app.inbound.reply_text import ReplyParts, markdown_paragraphs
from app.letters.models import Letter
from app.letters.salutations import closing_for, reply_addressee, reply_title
from app.letters.service import LetterDraft, save_letter
from app.links.service import tag_names


def reply_letter(colleague: User, parent: Letter, parts: ReplyParts, publish: bool) -> Letter:
    """The reply letter, a draft unless asked to publish (then notices go out as usual)."""
    addressee, addressee_name = reply_addressee(parent, colleague)
    draft = LetterDraft(
        title=reply_title(parent),
        salutation=parts.salutation,  # empty: the addressee's preferred greeting
        body=markdown_paragraphs(parts.body),
        closing=parts.closing or closing_for(parent.language, colleague),
        signature=parts.signature or colleague.greeting_name,
        postscript="",
        language=parent.language,
        addressee=addressee,
        addressee_name=addressee_name,
        # The parent's tags, as the reply page suggests them.
        tags=tag_names(parent),
    )
    return save_letter(colleague, draft, publish=publish, in_reply_to=parent)
