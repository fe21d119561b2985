"""Emailed links: self sign-up, address confirmation and password reset."""

from __future__ import annotations

from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_mail import Message

from app.accounts.invitations import INVITE
from app.accounts.models import User
from app.accounts.service import (
    AccountError,
    checked_email,
    normalise_email,
    password_is_right,
    set_password,
    user_by_email,
)
from app.accounts.tokens import InvalidToken, fingerprint, make_token, read_token
from app.database import utc_now
from app.deliverability import lift_suspension
from app.extensions import db
from app.mail import compose_email, queue_email
from app.web import absolute_url

# Stands in for the password of an unknown address, so both reset requests do the same work.
_NO_PASSWORD = "no account uses this address"


def request_sign_up(email: str) -> None:
    """Open sign-up: mail a link that creates the account, or tell the owner.

    Both cases queue one mail and answer alike, so the form never tells whether the
    address has an account; the account exists only once the link proves the address.
    """
    address = checked_email(email)
    owner = user_by_email(address)
    if owner is None:
        locale = str(get_locale() or "en")  # the visitor's language: we know no other
        queue_email(_sign_up_mail(address, locale), locale)
    else:
        queue_email(_address_taken_mail(owner), owner.locale)


def _sign_up_mail(address: str, locale: str) -> Message:
    """The link to the account form, like an invitation the address sent itself."""
    token = make_token(INVITE, {"email": address})
    return compose_email(
        "sign_up",
        address,
        subject=_l("Create your account at %(site)s"),
        subject_values={"site": current_app.config["SITE_NAME"]},
        locale=locale,
        link=absolute_url("accounts.accept_invitation", token=token),
        days=current_app.config["INVITE_MAX_AGE"] // 86400,
    )


def _address_taken_mail(owner: User) -> Message:
    """Tell the owner that someone tried to sign up with their address, in their language."""
    return compose_email(
        "sign_up_taken",
        owner.email,
        subject=_l("Someone tried to sign up with your address"),
        locale=owner.locale,
        user=owner,
        login_link=absolute_url("accounts.login"),
        reset_link=absolute_url("accounts.request_reset"),
    )


def send_confirmation(user: User, new_email: str | None = None) -> None:
    """Email a link proving the address (the current one, or one the user wants)."""
    address = checked_email(new_email or user.email)
    token = make_token("confirm", {"user": user.id, "email": address})
    queue_email(
        compose_email(
            "confirm_email",
            address,
            subject=_l("Please confirm your email address"),
            locale=user.locale,
            user=user,
            changing=new_email is not None,
            link=absolute_url("accounts.confirm_email", token=token),
        ),
        user.locale,
    )


def confirm_email(token: str) -> User:
    """Mark the address in the link as confirmed (and make it the account's)."""
    payload = read_token("confirm", token, current_app.config["EMAIL_CONFIRM_MAX_AGE"])
    user = db.session.get(User, int(payload.get("user") or 0))
    if user is None:
        raise InvalidToken("no such user")
    address = normalise_email(str(payload.get("email", "")))
    if address != user.email:
        if user_by_email(address) is not None:
            raise AccountError(_l("Another account uses this address now."))
        user.email = address
    user.confirmed_at = utc_now()
    # The link reached the inbox: mail to the address works again.
    lift_suspension(address)
    return user


def request_email_change(user: User, new_email: str, password: str) -> None:
    """Send a confirmation link to the new address; the change happens when it is followed."""
    if not password_is_right(user, password):
        raise AccountError(_l("The password is not right."), field="current_password")
    address = checked_email(new_email)
    if address == user.email:
        raise AccountError(_l("This is your address already."))
    if user_by_email(address) is not None:
        raise AccountError(_l("Another account uses this address."))
    send_confirmation(user, new_email=address)


def request_password_reset(email: str) -> None:
    """Email a single-use reset link if the address has an account; silent otherwise."""
    user = user_by_email(email)
    token = make_token("reset", {"user": user.id if user else 0, "fp": _password_fp(user)})
    if user is None:
        return
    message = compose_email(
        "password_reset",
        user.email,
        subject=_l("Reset your password"),
        locale=user.locale,
        user=user,
        link=absolute_url("accounts.reset_password", token=token),
        minutes=current_app.config["RESET_MAX_AGE"] // 60,
    )
    queue_email(message, user.locale)


def _password_fp(user: User | None) -> str:
    """Changes whenever the password does, so a used reset link stops working."""
    return fingerprint(user.password_hash if user else _NO_PASSWORD)


def user_for_reset(token: str) -> User:
    """The user a reset link is for; the link dies once the password has changed."""
    payload = read_token("reset", token, current_app.config["RESET_MAX_AGE"])
    user = db.session.get(User, int(payload.get("user") or 0))
    if user is None or payload.get("fp") != _password_fp(user):
        raise InvalidToken("reset link used already")
    return user


def reset_password(token: str, password: str) -> User:
    """Set a new password through a reset link, which then stops working."""
    user = user_for_reset(token)
    set_password(user, password)
    if user.confirmed_at is None:
        user.confirmed_at = utc_now()  # the link reached the inbox
    return user
