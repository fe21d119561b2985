"""What the letter page shows of its signatures (asked through the letter_page_viewed signal)."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from app.forms import ConfirmForm
from app.letters.events import letter_page_viewed
from app.letters.shown import PageLetter
from app.signatures.listing import count_and_first_names
from app.templating import render_piece


@letter_page_viewed.connect
def signatures_on_the_page(letter: PageLetter, **_: Any) -> dict[str, Any]:
    """The count, the first page of names and what the viewer can do: sign, withdraw, close.

    Signed out, the box holds only a link to the signing page: the page stays shareable.
    """
    if not letter.is_published:
        return {}  # signing is off for drafts, hidden and withdrawn letters
    viewer = current_user if current_user.is_authenticated else None
    signed_in = viewer is not None
    is_author = signed_in and viewer.id == letter.author_id
    is_admin = signed_in and viewer.is_admin
    count, names = count_and_first_names(letter.id, viewer if signed_in and not is_author else None)
    box = render_piece(
        "signatures/_box.html",
        letter=letter,
        count=count,
        names=names,
        signed_in=signed_in,
        is_author=is_author,
        # The only form built here: an admin's buttons beside each name.
        remove_form=ConfirmForm() if is_admin and names else None,
    )
    return {"signature_box": box}
