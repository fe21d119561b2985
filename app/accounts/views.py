"""Signing in and out, sign-up, invitations, address confirmation and password reset."""

from __future__ import annotations

import time

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from werkzeug.wrappers import Response

from app.accounts import attempts, bp, email_links, invitations, service
from app.accounts.forms import (
    AcceptInvitationForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
    show_account_error,
)
from app.accounts.session import sign_in
from app.accounts.tokens import InvalidToken
from app.deliverability import suspension_of
from app.extensions import client_address, limiter
from app.forms import ConfirmForm
from app.web import safe_next_path


def submitted_address() -> str:
    """The address a form names, as accounts store it."""
    return service.normalise_email(request.form.get("email", ""))[:254]


def address_and_client_key() -> str:
    """Rate-limit key for one client trying one address: what others try never counts here."""
    return f"account:{submitted_address()}/client:{client_address()}"


def answer_no_sooner_than(started: float, seconds: float) -> None:
    """Wait out the rest of a fixed time, so work done only for known addresses stays hidden."""
    time.sleep(max(0.0, started + seconds - time.monotonic()))


@bp.route("/auth/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT_AND_IP"],
    key_func=address_and_client_key,
    methods=["POST"],
)
def login():
    """Sign in; unknown address and wrong password get the same answer."""
    if current_user.is_authenticated:
        return redirect(safe_next_path(request.args.get("next")))
    form = LoginForm()
    status = 200
    if form.is_submitted():
        status = 401
        if form.validate():
            user = service.authenticate(form.email.data, form.password.data)
            if user is not None:
                sign_in(user, remember=form.remember.data)
                return redirect(safe_next_path(request.args.get("next")))
            status = failed_login_status()
        form.password.errors = [_("The email address or the password is not right.")]
        if status == 429:
            form.password.errors.append(
                _(
                    "Many wrong passwords have been tried for this address lately. Please "
                    "check yours carefully, or choose a new one."
                )
            )
    return render_template("accounts/login.html", form=form), status


def failed_login_status() -> int:
    """401, or 429 once many wrong passwords have been tried for the address, by anyone.

    Counted for the address from everyone, this holds back only wrong passwords: the right
    one still signs in. The limits above hold back the clients that try too often.
    """
    if attempts.spend("LOGIN_LIMIT_PER_ACCOUNT", attempts.LOGIN_FAILURES, submitted_address()):
        return 401
    return 429


@bp.post("/auth/logout")
def logout() -> Response:
    """Sign out (a POST, so that no link or image can sign someone out)."""
    if ConfirmForm().validate_on_submit():
        if current_user.is_authenticated:
            # A copied session or remember cookie must not outlive the sign-out.
            service.end_every_session(current_user._get_current_object())
        session.clear()
        logout_user()  # after clear(): it leaves the note that deletes the remember cookie
    return redirect(url_for("discovery.index"))


@bp.route("/auth/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REGISTER_LIMIT_PER_IP"], methods=["POST"])
def register():
    """Open sign-up: the emailed link creates the account; the answer never tells if one exists."""
    if not current_app.config["OPEN_REGISTRATION"]:
        abort(404)
    form = RegisterForm()
    if form.validate_on_submit():
        started = time.monotonic()
        try:
            address = service.checked_email(form.email.data)
        except service.AccountError as error:
            show_account_error(form, error)
        else:
            # A few mails a day at most, whoever asks: nobody floods an inbox through here.
            if attempts.spend("REGISTER_MAILS_PER_ADDRESS", attempts.SIGN_UP_MAILS, address):
                email_links.request_sign_up(address)
            answer_no_sooner_than(started, current_app.config["REGISTER_ANSWER_SECONDS"])
            flash(
                _(
                    "We have sent a message to %(email)s. Please follow the link in it.",
                    email=address,
                ),
                "info",
            )
            return redirect(url_for("accounts.login"))
    status = 422 if form.errors else 200
    return render_template("accounts/register.html", form=form), status


@bp.route("/auth/invite/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """Create an account from an invitation link."""
    try:
        opened = invitations.open_invitation(token)
    except invitations.InvitationClosed as error:
        abort(410, description=str(error))
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            user = invitations.accept_invitation(
                opened,
                form.display_name.data,
                form.handle.data,
                form.password.data,
                locale=str(get_locale() or "en"),
            )
        except service.AccountError as error:
            show_account_error(form, error)
        else:
            sign_in(user)
            flash(_("Welcome! Your account is ready."), "success")
            return redirect(url_for("accounts.settings"))
    status = 422 if form.errors else 200
    page = render_template(
        "accounts/accept_invitation.html",
        form=form,
        email=opened.email,
        invitation=opened.invitation,
    )
    return page, status


@bp.route("/auth/confirm/<token>")
def confirm_email(token: str) -> Response:
    """Follow the emailed link that proves an address."""
    try:
        email_links.confirm_email(token)
    except InvalidToken:
        abort(410, description=_("This confirmation link has expired or is not valid."))
    except service.AccountError as error:
        abort(409, description=str(error))
    flash(_("Thank you, your email address is confirmed."), "success")
    return redirect(url_for("discovery.index"))


@bp.post("/auth/confirm")
@login_required
@limiter.limit("3 per hour")
def resend_confirmation() -> Response:
    """Send the confirmation link again (also to lift a suspension after bounces)."""
    needs_link = current_user.confirmed_at is None or suspension_of(current_user.email)
    if ConfirmForm().validate_on_submit() and needs_link:
        try:
            email_links.send_confirmation(current_user)
        except service.AccountError as error:
            flash(str(error), "error")
        else:
            flash(_("We have sent you a new confirmation link."), "success")
    return redirect(url_for("accounts.settings"))


@bp.route("/auth/reset", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RESET_LIMIT_PER_IP"], methods=["POST"])
def request_reset():
    """Ask for a reset link; neither the answer nor its timing tells if the address is known."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        started = time.monotonic()
        # Past the address's allowance no more mail goes out, but the answer stays the same:
        # a 429 here would stop its owner from asking, whoever spent the allowance.
        if attempts.spend("RESET_LIMIT_PER_ACCOUNT", attempts.RESET_MAILS, submitted_address()):
            email_links.request_password_reset(form.email.data)
        answer_no_sooner_than(started, current_app.config["RESET_ANSWER_SECONDS"])
        flash(
            _(
                "If an account uses this address, we have sent it a link to set a new "
                "password. The link works once, for one hour."
            ),
            "info",
        )
        return redirect(url_for("accounts.login"))
    status = 422 if form.errors else 200
    return render_template("accounts/reset_request.html", form=form), status


@bp.route("/auth/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Set a new password through the emailed single-use link."""
    try:
        email_links.user_for_reset(token)
    except InvalidToken:
        abort(410, description=_("This link has expired or was used already."))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        sign_in(email_links.reset_password(token, form.password.data))
        flash(_("Your new password is set."), "success")
        return redirect(url_for("discovery.index"))
    status = 422 if form.errors else 200
    return render_template("accounts/reset_password.html", form=form), status
