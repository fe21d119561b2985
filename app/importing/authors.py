"""The colleagues an export's authors are, and those its letters greet.

An author is the colleague with their email address (compared lower-cased); an author the
site does not know yet gets an account without a password, which nobody can sign in to
until its owner sets it up through `flask users invite`. An author the export names by
login only (WXR 1.0 has no addresses) is the colleague with that handle, or the colleague
given with --unknown-author; else their posts are skipped, and the report says so.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from app.accounts.models import HANDLE_PATTERN, User
from app.accounts.service import (
    AccountError,
    checked_email,
    checked_name,
    create_user,
    user_by_handle,
)
from app.extensions import db
from app.importing.wxr import Author
from app.text.characters import cleaned_text


class Colleagues:
    """Everyone an import's posts are by or to, found once and remembered."""

    def __init__(self, locale: str, unknown_author: str | None = None) -> None:
        self.locale = locale
        self.unknown_author = unknown_author
        self.by_email: dict[str, User] = {}
        self.by_name: dict[str, list[User]] = defaultdict(list)
        self.created: list[User] = []
        self.matched: set[int] = set()
        self.authors: dict[str, User | None] = {}
        for user in db.session.scalars(select(User).order_by(User.id)):
            self.remember(user)

    def remember(self, user: User) -> None:
        self.by_email[user.email] = user
        for name in {user.greeting_name.casefold(), user.display_name.casefold()}:
            self.by_name[name].append(user)

    def author(self, login: str, known: Author | None) -> User | None:
        """The colleague who wrote as this login, made where needed; None if nobody can be."""
        if login not in self.authors:
            self.authors[login] = self.find_or_make(login, known)
        return self.authors[login]

    def find_or_make(self, login: str, known: Author | None) -> User | None:
        address = usable_address(known.email if known else "")
        if address:
            return self.colleague_with(address, display_name(login, known), login)
        by_handle = user_by_handle(login) if HANDLE_PATTERN.fullmatch(login.lower()) else None
        if by_handle is not None:
            self.matched.add(by_handle.id)
            return by_handle
        if self.unknown_author:
            return self.colleague_with(self.unknown_author, self.unknown_author.split("@")[0], "")
        return None

    def colleague_with(self, address: str, name: str, login: str) -> User:
        """The colleague with this address, or a new account for it without a password."""
        user = self.by_email.get(address)
        if user is not None:
            self.matched.add(user.id)
            return user
        handle = login.lower() if HANDLE_PATTERN.fullmatch(login.lower()) else None
        if handle and user_by_handle(handle) is not None:
            handle = None
        user = create_user(address, checked_or(name, login), None, handle=handle,
                           confirmed=False, locale=self.locale)  # fmt: skip
        self.created.append(user)
        self.remember(user)
        return user

    def addressee(self, name: str, author: User) -> User | None:
        """The one colleague a salutation's name greets ("Svenja"), or None."""
        found = {user.id: user for user in self.by_name.get(name.casefold(), [])}
        if len(found) > 1:
            found = {key: user for key, user in found.items() if user.id != author.id}
        return next(iter(found.values())) if len(found) == 1 else None


def usable_address(email: str) -> str:
    """The author's address as accounts keep it, or "" when it is none."""
    try:
        return checked_email(email) if email.strip() else ""
    except AccountError:
        return ""


def display_name(login: str, known: Author | None) -> str:
    """The name the export gives an author, without characters that have no place in it."""
    return cleaned_text((known.display_name if known else "") or login)[0]


def checked_or(name: str, login: str) -> str:
    """A name accounts accept: the one given, else the login, else a plain word."""
    for candidate in (name, login):
        try:
            return checked_name(candidate)
        except AccountError:
            continue
    return "Colleague"
