"""Moderation: an admin hides a letter with a reason the author is told, or shows it again."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.extensions import db
from app.letters.models import Letter
from app.letters.service import set_hidden
from app.mail import compose_email, queue_email
from app.web import absolute_url


def hide_letter(letter: Letter, reason: str) -> None:
    """Hide the letter from readers and tell its author why, in their language."""
    set_hidden(letter, hidden=True)
    author = db.session.get(User, letter.author_id)
    if author is None:
        return
    message = compose_email(
        "letter_hidden",
        author.email,
        subject=_l("Your letter “%(title)s” was hidden"),
        subject_values={"title": letter.title},
        locale=author.locale,
        user=author,
        title=letter.title,
        reason=reason,
        link=absolute_url("letters.show", slug=letter.slug),
    )
    queue_email(message, author.locale)


def show_letter_again(letter: Letter) -> None:
    """Undo a hiding: readers see the letter again."""
    set_hidden(letter, hidden=False)
