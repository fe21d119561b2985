"""Accounts: creating colleagues, signing in, passwords, profiles and pictures."""

from __future__ import annotations

import hashlib
import unicodedata
from functools import cache

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _ln
from flask_babel.speaklater import LazyString
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from app.accounts.events import name_changed, profile_changed
from app.accounts.models import HANDLE_PATTERN, User, new_session_nonce
from app.database import utc_now
from app.extensions import db
from app.text.markdown import render_markdown
from app.text.slugs import slugify

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
MAX_NAME_LENGTH = 100
# With these a name passes for an address in a mail client or a page
# ('Sven Albrecht <sven@example.org> "'). Checked after NFKC, so that the full-width
# look-alikes (＜＠＞) count too; apostrophes stay: O'Brien is a name.
NOT_IN_NAMES = frozenset('<>@"')


def hash_password(password: str) -> str:
    """The password hashed with the configured method (werkzeug's scrypt unless set)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


@cache
def _dummy_hash(method: str) -> str:
    """Checked when the address is unknown, so both answers take about as long."""
    return generate_password_hash("not a real password, only for timing", method=method)


class AccountError(Exception):
    """An account request that cannot be carried out, with a message for the person."""

    def __init__(self, message: str | LazyString, field: str = "email") -> None:
        super().__init__(message)
        self.field = field  # the form field the message belongs to


def normalise_email(email: str) -> str:
    """Addresses are compared and stored lower-cased and trimmed."""
    return email.strip().lower()


def checked_email(email: str) -> str:
    """The normalised address, or AccountError if it is none (a line break, for example)."""
    address = normalise_email(email)
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError as error:
        raise AccountError(_l("This is not a valid email address.")) from error
    if "=?" in address:  # valid, but a mail client would decode it in the To header
        raise AccountError(_l("This is not a valid email address."))
    return address


def name_problem(name: str) -> LazyString | None:
    """Why a person's name cannot be used (it would look like an address), or None."""
    if NOT_IN_NAMES.intersection(unicodedata.normalize("NFKC", name)):
        return _l('A name cannot contain <, >, @ or ".')
    return None


def checked_name(name: str, field: str = "display_name") -> str:
    """A person's name without surrounding blanks, or AccountError."""
    name = " ".join(name.split())
    if not name and field == "display_name":
        raise AccountError(_l("Please give a name."), field=field)
    if len(name) > MAX_NAME_LENGTH:
        raise AccountError(
            _ln(
                "Use at most %(num)d character.", "Use at most %(num)d characters.", MAX_NAME_LENGTH
            ),
            field=field,
        )
    problem = name_problem(name)
    if problem is not None:
        raise AccountError(problem, field=field)
    return name


def user_by_email(email: str) -> User | None:
    return db.session.scalars(
        select(User).where(User.email == normalise_email(email), User.deleted_at.is_(None))
    ).first()


def user_by_handle(handle: str) -> User | None:
    """The colleague with this @handle; a deleted account has no handle any more."""
    return db.session.scalars(
        select(User).where(
            func.lower(User.handle) == handle.strip().lower(), User.deleted_at.is_(None)
        )
    ).first()


def handle_from_name(name: str) -> str:
    """A free @handle derived from a display name ("Svenja Hartmann" -> "svenja")."""
    first = (name.split() or [""])[0]
    base = slugify(first).replace("-", "")[:24]
    # slugify answers "letter" for names without Latin letters ("李")
    if len(base) < 2 or (base == "letter" and first.lower() != "letter"):
        base = "colleague"
    handle, number = base, 1
    while user_by_handle(handle) is not None:
        number += 1
        handle = f"{base}{number}"
    return handle


def checked_handle(handle: str) -> str:
    """A requested @handle that has the right form and is free, or AccountError."""
    if not HANDLE_PATTERN.fullmatch(handle):
        raise AccountError(
            _l("2–32 lower-case letters, digits or underscores, e.g. svenja_h."), field="handle"
        )
    if user_by_handle(handle) is not None:
        raise AccountError(_l("This handle is taken."), field="handle")
    return handle


def validate_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            _ln(
                "Use at least %(num)d character.",
                "Use at least %(num)d characters.",
                MIN_PASSWORD_LENGTH,
            ),
            field="password",
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(
            _ln(
                "Use at most %(num)d character.",
                "Use at most %(num)d characters.",
                MAX_PASSWORD_LENGTH,
            ),
            field="password",
        )


def set_password(user: User, password: str) -> None:
    """Hash a new password and sign out every other session of the user."""
    validate_password(password)
    user.password_hash = hash_password(password)
    user.session_nonce = new_session_nonce()


def end_every_session(user: User) -> None:
    """Sign the user out everywhere: every session and remember cookie names the old nonce."""
    user.session_nonce = new_session_nonce()


def create_user(
    email: str,
    name: str,
    password: str | None,
    *,
    is_admin: bool = False,
    handle: str | None = None,
    confirmed: bool = True,
    locale: str = "en",
) -> User:
    """A new colleague account; without a password (None) until its owner sets one.

    An account without a password nobody can sign in to; an invitation or a password reset
    lets the person it belongs to set one (see `is_waiting_for_its_owner`).
    """
    email = checked_email(email)
    if user_by_email(email) is not None:
        raise AccountError(_l("An account with this email address exists already."))
    name = checked_name(name)
    user = User(
        email=email,
        display_name=name,
        handle=checked_handle(handle) if handle else handle_from_name(name),
        is_admin=is_admin,
        locale=locale,
        confirmed_at=utc_now() if confirmed else None,
    )
    if password is not None:
        set_password(user, password)
    try:
        with db.session.begin_nested():  # written now, so that a clash is known now
            db.session.add(user)
    except IntegrityError as error:  # the same address or handle, created a moment ago
        raise AccountError(_l("An account with this email address exists already.")) from error
    return user


def is_waiting_for_its_owner(user: User) -> bool:
    """An account made for someone (an imported author) who has not set it up yet."""
    return not user.password_hash and user.confirmed_at is None


def authenticate(email: str, password: str) -> User | None:
    """The user with this email and password; unknown addresses cost the same time."""
    user = user_by_email(email)
    if user is None or not user.password_hash:
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def password_is_right(user: User, password: str) -> bool:
    return bool(user.password_hash) and check_password_hash(user.password_hash, password)


def change_password(user: User, current: str, new: str) -> None:
    """Replace the password after checking the current one."""
    if not password_is_right(user, current):
        raise AccountError(_l("The current password is not right."), field="current_password")
    set_password(user, new)


PROFILE_FIELDS = (
    "display_name",
    "role_line",
    "bio",
    "salutation_name",
    "greeting_de",
    "default_closing",
    "locale",
    "timezone",
)


NAME_FIELDS = ("display_name", "salutation_name")


def update_profile(user: User, **fields: str) -> None:
    """Save the editable profile fields (and nothing else), or AccountError."""
    values = {name: (fields[name] or "").strip() for name in PROFILE_FIELDS if name in fields}
    for name in NAME_FIELDS:
        if name in values:
            values[name] = checked_name(values[name], field=name)
    renamed = "display_name" in values and values["display_name"] != user.display_name
    for name, value in values.items():
        setattr(user, name, value)
    user.bio_html = render_markdown(user.bio)
    profile_changed.send(user)
    if renamed:
        name_changed.send(user)


def set_locale(user: User, language: str) -> None:
    """The language the site and its emails use for this colleague."""
    user.locale = language


def avatar_version_of(png: bytes) -> int:
    """A positive number that changes with the picture, so cached old pictures are not shown."""
    return int.from_bytes(hashlib.sha256(png).digest()[:4], "big") % (2**31 - 1) + 1


def set_avatar(user: User, png: bytes | None) -> None:
    """Store a resized picture, or remove it to show initials again."""
    user.avatar_png = png
    user.avatar_version = avatar_version_of(png) if png else 0
    profile_changed.send(user)


def avatar_png(handle: str) -> bytes | None:
    """The stored picture of a colleague, if any."""
    return db.session.scalars(
        select(User.avatar_png).where(
            func.lower(User.handle) == handle.lower(), User.deleted_at.is_(None)
        )
    ).first()


def colleagues() -> list[User]:
    """Everyone a letter can be addressed to, by name."""
    return list(
        db.session.scalars(
            select(User).where(User.deleted_at.is_(None)).order_by(User.display_name)
        )
    )
