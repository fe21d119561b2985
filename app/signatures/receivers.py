"""What the letter page shows of its signatures (asked through the letter_page_viewed signal)."""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask_login import current_user
from markupsafe import Markup

from app.forms import ConfirmForm
from app.letters.events import letter_page_viewed
from app.letters.shown import PageLetter
from app.signatures.forms import OneClickSignForm, SigningSwitchForm
from app.signatures.listing import count_and_first_names


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
    # Each form only where the box shows it: building one costs as much as a line of SQL.
    can_sign = signed_in and not (is_author or count.closed or count.own in ("signed", "removed"))
    box = render_template(
        "signatures/_box.html",
        letter=letter,
        count=count,
        names=names,
        signed_in=signed_in,
        is_author=is_author,
        is_admin=is_admin,
        sign_form=OneClickSignForm() if can_sign else None,
        action_form=ConfirmForm() if count.own == "signed" or (is_admin and names) else None,
        switch_form=SigningSwitchForm() if is_author else None,
    )
    return {"signature_box": Markup(box)}
