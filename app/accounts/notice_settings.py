"""Which notices a colleague wants: the settings page and the one-click links in notices."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.accounts.models import NoticeSettings, User
from app.extensions import db
from app.outbox import NoticeKind

# The setting that switches each kind of colleague notice off.
PREFERENCE_OF = {
    NoticeKind.LETTER_TO_YOU: "letters_to_me",
    NoticeKind.REPLY_TO_YOU: "replies_to_my_letters",
    NoticeKind.THREAD_REPLY: "threads_i_wrote_in",
}

# Each setting named as the emails it stands for (the unsubscribe page says what it ends).
NOTICE_LABELS = {
    "letters_to_me": _l("emails when a letter is written to you"),
    "replies_to_my_letters": _l("emails when someone answers one of your letters"),
    "threads_i_wrote_in": _l("emails when a correspondence you wrote in gets a new letter"),
}


def all_notices_on(user_id: int) -> NoticeSettings:
    return NoticeSettings(
        user_id=user_id,
        letters_to_me=True,
        replies_to_my_letters=True,
        threads_i_wrote_in=True,
        whole_letter=True,
    )


def notice_settings_of(user: User) -> NoticeSettings:
    """A colleague's notice choices (all on until changed)."""
    return db.session.get(NoticeSettings, user.id) or all_notices_on(user.id)


def save_notice_settings(user: User, **choices: bool | None) -> None:
    """Store which notices a colleague wants, and whether they carry the whole letter."""
    save_notice_settings_by_id(user.id, user.email, **choices)


def save_notice_settings_by_id(user_id: int, email: str, **choices: bool | None) -> None:
    """Change notice choices of the colleague with this id and address (links in emails)."""
    user = db.session.get(User, user_id)
    if user is None or user.email.lower() != email.lower():
        return  # the address changed since the email was sent: nothing to switch off
    settings = db.session.get(NoticeSettings, user_id)
    if settings is None:
        settings = all_notices_on(user_id)
        db.session.add(settings)
    for name in (*PREFERENCE_OF.values(), "whole_letter"):
        if choices.get(name) is not None:
            setattr(settings, name, bool(choices[name]))
