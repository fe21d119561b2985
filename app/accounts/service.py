"""Accounts: creation, sign-in, invitations, confirmation, password and email changes."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from app.accounts.models import User, new_session_nonce
from app.accounts.tokens import InvalidToken, fingerprint, make_token, read_token
from app.database import utc_now
from app.extensions import db
from app.letters.rendering import render_markdown
from app.letters.service import slugify
from app.notifications.mail import compose_email, deliver
from app.web import absolute_url

MIN_PASSWORD_LENGTH = 10
# Checked when the address is unknown, so both answers take about as long.
_DUMMY_HASH = generate_password_hash("not a real password, only for timing")


class AccountError(Exception):
    """An account request that cannot be carried out, with a message for the person."""


def normalise_email(email: str) -> str:
    """Addresses are compared and stored lower-cased and trimmed."""
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    return db.session.scalars(select(User).where(User.email == normalise_email(email))).first()


def user_by_handle(handle: str) -> User | None:
    return db.session.scalars(
        select(User).where(func.lower(User.handle) == handle.strip().lower())
    ).first()


def handle_from_name(name: str) -> str:
    """A free @handle derived from a display name ("Svenja Hartmann" -> "svenja")."""
    base = slugify(name.split(" ")[0]).replace("-", "")[:24] or "colleague"
    handle, number = base, 1
    while user_by_handle(handle) is not None:
        number += 1
        handle = f"{base}{number}"
    return handle


def validate_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Use at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > 1024:
        raise AccountError("Use at most 1024 characters.")


def set_password(user: User, password: str) -> None:
    """Hash a new password and sign out every other session of the user."""
    validate_password(password)
    user.password_hash = generate_password_hash(password)
    user.session_nonce = new_session_nonce()


def create_user(
    email: str,
    name: str,
    password: str,
    *,
    is_admin: bool = False,
    handle: str | None = None,
    confirmed: bool = True,
    locale: str = "en",
) -> User:
    """A new colleague account; commits."""
    email = normalise_email(email)
    if user_by_email(email) is not None:
        raise AccountError("An account with this email address exists already.")
    if handle and user_by_handle(handle) is not None:
        raise AccountError("This handle is taken.")
    user = User(
        email=email,
        display_name=name.strip(),
        handle=handle or handle_from_name(name),
        is_admin=is_admin,
        locale=locale,
        confirmed_at=utc_now() if confirmed else None,
    )
    set_password(user, password)
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user with this email and password; unknown addresses cost the same time."""
    user = user_by_email(email)
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def send_invitation(email: str, inviter: User | None) -> None:
    """Email a signed sign-up link that expires after INVITE_MAX_AGE; commits."""
    email = normalise_email(email)
    if user_by_email(email) is not None:
        raise AccountError("This colleague has an account already.")
    token = make_token("invite", {"email": email})
    deliver(
        compose_email(
            "invitation",
            email,
            subject=f"Invitation to {current_app.config['SITE_NAME']}",
            inviter=inviter,
            link=absolute_url("accounts.accept_invitation", token=token),
            days=current_app.config["INVITE_MAX_AGE"] // 86400,
        )
    )
    db.session.commit()


def invited_email(token: str) -> str:
    """The address an invitation link was sent to, if the link is valid and unused."""
    payload = read_token("invite", token, current_app.config["INVITE_MAX_AGE"])
    email = normalise_email(str(payload.get("email", "")))
    if not email or user_by_email(email) is not None:
        raise InvalidToken("invitation used already")
    return email


def accept_invitation(token: str, name: str, handle: str, password: str) -> User:
    """Create the invited colleague's account; the link proves the address. Commits."""
    email = invited_email(token)
    return create_user(email, name, password, handle=handle or None, confirmed=True)


def register(email: str, name: str, handle: str, password: str) -> User:
    """Open sign-up (when OPEN_REGISTRATION is on): unconfirmed until the emailed link. Commits."""
    user = create_user(email, name, password, handle=handle or None, confirmed=False)
    send_confirmation(user)
    return user


def send_confirmation(user: User, new_email: str | None = None) -> None:
    """Email a link proving the address (the current one, or one the user wants); commits."""
    address = normalise_email(new_email or user.email)
    token = make_token("confirm", {"user": user.id, "email": address})
    deliver(
        compose_email(
            "confirm_email",
            address,
            subject="Please confirm your email address",
            locale=user.locale,
            user=user,
            changing=new_email is not None,
            link=absolute_url("accounts.confirm_email", token=token),
        )
    )
    db.session.commit()


def confirm_email(token: str) -> User:
    """Mark the address in the link as confirmed (and make it the account's); commits."""
    payload = read_token("confirm", token, current_app.config["CONFIRM_MAX_AGE"])
    user = db.session.get(User, payload.get("user"))
    if user is None:
        raise InvalidToken("no such user")
    address = normalise_email(str(payload.get("email", "")))
    if address != user.email:
        other = user_by_email(address)
        if other is not None:
            raise AccountError("Another account uses this address now.")
        user.email = address
    user.confirmed_at = utc_now()
    db.session.commit()
    return user


def request_email_change(user: User, new_email: str, password: str) -> None:
    """Send a confirmation link to the new address; the change happens when it is followed."""
    if not check_password_hash(user.password_hash, password):
        raise AccountError("The password is not right.")
    if user_by_email(new_email) is not None:
        raise AccountError("Another account uses this address.")
    send_confirmation(user, new_email=new_email)


def change_password(user: User, current: str, new: str) -> None:
    """Replace the password after checking the current one; commits."""
    if not check_password_hash(user.password_hash, current):
        raise AccountError("The current password is not right.")
    set_password(user, new)
    db.session.commit()


def request_password_reset(email: str) -> None:
    """Email a single-use reset link if the address has an account; silent otherwise."""
    user = user_by_email(email)
    token = make_token("reset", {"user": user.id if user else 0, "fp": _password_fp(user)})
    if user is None:
        return
    deliver(
        compose_email(
            "password_reset",
            user.email,
            subject="Reset your password",
            locale=user.locale,
            user=user,
            link=absolute_url("accounts.reset_password", token=token),
            minutes=current_app.config["RESET_MAX_AGE"] // 60,
        )
    )
    db.session.commit()


def _password_fp(user: User | None) -> str:
    return fingerprint(user.password_hash if user else _DUMMY_HASH)


def user_for_reset(token: str) -> User:
    """The user a reset link is for; the link dies once the password has changed."""
    payload = read_token("reset", token, current_app.config["RESET_MAX_AGE"])
    user = db.session.get(User, payload.get("user"))
    if user is None or payload.get("fp") != _password_fp(user):
        raise InvalidToken("reset link used already")
    return user


def reset_password(token: str, password: str) -> User:
    """Set a new password through a reset link, which then stops working; commits."""
    user = user_for_reset(token)
    set_password(user, password)
    if user.confirmed_at is None:
        user.confirmed_at = utc_now()  # the link reached the inbox
    db.session.commit()
    return user


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


def update_profile(user: User, **fields: str) -> None:
    """Save the editable profile fields (and nothing else); commits."""
    for name in PROFILE_FIELDS:
        if name in fields:
            setattr(user, name, (fields[name] or "").strip())
    user.bio_html = render_markdown(user.bio)
    db.session.commit()


def set_avatar(user: User, png: bytes | None) -> None:
    """Store a resized picture, or remove it to show initials again; commits."""
    user.avatar_png = png
    user.avatar_version = user.avatar_version + 1 if png else 0
    db.session.commit()


def avatar_png(handle: str) -> bytes | None:
    """The stored picture of a colleague, if any."""
    return db.session.scalars(
        select(User.avatar_png).where(func.lower(User.handle) == handle.lower())
    ).first()


def colleagues() -> list[User]:
    """Everyone a letter can be addressed to, by name."""
    return list(db.session.scalars(select(User).order_by(User.display_name)))
