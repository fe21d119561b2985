"""Who is signed in: Flask-Login set-up."""

from __future__ import annotations

from flask import Flask, session
from flask_babel import lazy_gettext as _l
from flask_login import login_user
from sqlalchemy import bindparam, select

from app.accounts.models import User
from app.database import utc_now
from app.extensions import db, login_manager

# Asked on every request of a signed-in colleague: built once, bound parameters fill it in.
USER_OF_SESSION = select(User).where(
    User.id == bindparam("user_id"),
    User.session_nonce == bindparam("nonce"),
    User.deleted_at.is_(None),
)


def load_user(session_id: str) -> User | None:
    """The user a session names, if its nonce is still current (no password change since)."""
    user_id, _, nonce = session_id.partition(":")
    if not user_id.isdigit() or not nonce:
        return None
    return db.session.scalars(USER_OF_SESSION, {"user_id": int(user_id), "nonce": nonce}).first()


def sign_in(user: User, remember: bool = False) -> None:
    """Start a fresh session for the user (nothing from before carries over), and note when."""
    session.clear()
    login_user(user, remember=remember)
    user.last_signed_in_at = utc_now()


def init_login(app: Flask) -> None:
    """Bind Flask-Login: sessions name a user and a nonce (see load_user)."""
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
