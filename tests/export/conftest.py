"""Export tests: a correspondence of three letters, a draft, a revision, tags and links."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.access_tokens import create_access_token
from app.accounts.models import AccessScope, User
from app.extensions import db
from app.letters.models import Letter
from app.letters.related import OutsideLink, RelatedInput
from app.letters.service import LetterDraft, revise_published_letter
from app.links.service import set_links, set_tags
from app.signatures.service import sign_as_colleague
from app.subscriptions.models import Target


@dataclass
class Correspondence:
    svenja: User
    sven: User
    opening: Letter
    answer: Letter
    second: Letter
    draft: Letter
    token_secret: str


def revised(letter: Letter, body: str) -> None:
    """Edit a published letter so that its earlier text becomes a revision."""
    draft = LetterDraft(
        title=letter.title, salutation=letter.salutation, body=body, closing=letter.closing,
        signature=letter.signature, postscript=letter.postscript, language=letter.language,
        addressee=None, addressee_name="", tags=["Design"],
    )  # fmt: skip
    with_addressee = (
        select(Letter)
        .where(Letter.id == letter.id)
        .options(selectinload(Letter.addressee))
        .execution_options(populate_existing=True)
    )
    revise_published_letter(db.session.scalars(with_addressee).one(), draft)


@pytest.fixture
def correspondence(make_user, make_letter, subscribe) -> Correspondence:
    """Svenja opens, Sven answers, Svenja answers again; she also keeps a draft."""
    svenja = make_user("Svenja Köhler", handle="svenja", email="svenja@example.org")
    sven = make_user("Sven Ebert", handle="sven", email="sven@example.org")
    opening = make_letter(svenja, sven, title="On listening", salutation="Lieber Sven,",
                          body="First text.", postscript="See the panel.")  # fmt: skip
    answer = make_letter(sven, svenja, title="Re: On listening", parent=opening)
    second = make_letter(svenja, sven, title="Listening, again", parent=answer)
    draft = make_letter(svenja, sven, title="Not yet", publish=False, body="Half a thought.")
    set_tags(opening, ["Design", "Leadership"])
    set_links(opening, RelatedInput(outside=[OutsideLink("https://example.com/panel", "Panel")]))
    revised(opening, "Second text.")
    sign_as_colleague(answer, svenja, named=True, told_of_answers=False)
    token = create_access_token(svenja, "My script", AccessScope.READ)
    db.session.commit()
    subscribe("svenja@example.org", Target.AUTHOR, sven.id)
    return Correspondence(svenja, sven, opening, answer, second, draft, token.secret)
