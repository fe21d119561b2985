"""Profile pictures and the settings page (routes of the accounts blueprint)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from werkzeug.wrappers import Response

from app.accounts import access_tokens, bp, email_links, service
from app.accounts.avatars import AvatarError, initials_svg, square_png
from app.accounts.forms import (
    AccessTokenForm,
    AvatarForm,
    ChangeEmailForm,
    ChangePasswordForm,
    ProfileForm,
    show_account_error,
)
from app.accounts.models import AccessScope, User
from app.deliverability import suspension_of
from app.extensions import client_address, limiter
from app.forms import ConfirmForm


def profile_or_404(handle: str) -> User:
    """The colleague with this @handle, or a 404 page."""
    user = service.user_by_handle(handle)
    if user is None:
        abort(404)
    return user


def user_and_client_key() -> str:
    """Rate-limit key for password checks: one colleague's session guessing from one client."""
    return f"user:{getattr(current_user, 'id', 'anonymous')}/client:{client_address()}"


# Where the current password is checked, a copied session could guess it: limited as sign-in.
limit_password_checks = limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT_AND_IP"], key_func=user_and_client_key
)


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    """Profile, picture, password and email address."""
    profile = ProfileForm(obj=current_user)
    status = 200
    if profile.validate_on_submit():
        try:
            service.update_profile(
                current_user, **{name: profile[name].data for name in service.PROFILE_FIELDS}
            )
        except service.AccountError as error:
            show_account_error(profile, error)
        else:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("accounts.settings"))
    if profile.errors:
        status = 422
    return render_settings(profile=profile), status


def render_settings(**forms: object) -> str:
    """The settings page; the forms given (with their messages) replace the empty ones."""
    defaults = {
        "profile": ProfileForm(obj=current_user, formdata=None),
        "avatar_form": AvatarForm(formdata=None),
        "password_form": ChangePasswordForm(formdata=None),
        "email_form": ChangeEmailForm(formdata=None),
        "action_form": ConfirmForm(formdata=None),
        "suspension": suspension_of(current_user.email),
        "token_form": AccessTokenForm(formdata=None),
        "access_tokens": access_tokens.access_tokens_of(current_user),
        "new_token": None,
    }
    return render_template("accounts/settings.html", **{**defaults, **forms})


@bp.post("/settings/avatar")
@login_required
def upload_avatar():
    """Replace the profile picture with an uploaded one, resized here."""
    form = AvatarForm()
    if form.validate_on_submit():
        try:
            png = square_png(form.avatar.data.read(), current_app.config["AVATAR_SIZE"])
        except AvatarError as error:
            form.avatar.errors = [str(error)]
        else:
            service.set_avatar(current_user, png)
            flash(_("Your picture is saved."), "success")
            return redirect(url_for("accounts.settings"))
    return render_settings(avatar_form=form), 422


@bp.post("/settings/avatar/remove")
@login_required
def remove_avatar() -> Response:
    """Go back to the generated initials."""
    if ConfirmForm().validate_on_submit():
        service.set_avatar(current_user, None)
    return redirect(url_for("accounts.settings"))


@bp.post("/settings/password")
@login_required
@limit_password_checks
def change_password():
    """Change the password; other sessions are signed out."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            service.change_password(user, form.current_password.data, form.password.data)
        except service.AccountError as error:
            show_account_error(form, error)
        else:
            # This browser's session (and remember cookie) must carry the new nonce.
            remember_cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
            login_user(user, remember=remember_cookie in request.cookies)
            flash(_("Your password is changed."), "success")
            return redirect(url_for("accounts.settings"))
    return render_settings(password_form=form), 422


@bp.post("/settings/email")
@login_required
@limit_password_checks
def change_email():
    """Start an address change: the new address must confirm it."""
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            email_links.request_email_change(
                current_user, form.email.data, form.current_password.data
            )
        except service.AccountError as error:
            show_account_error(form, error)
        else:
            flash(_("Please follow the link we have sent to the new address."), "info")
            return redirect(url_for("accounts.settings"))
    return render_settings(email_form=form), 422


@bp.post("/settings/tokens")
@login_required
def create_access_token():
    """Make a personal access token and show it, this once, on the settings page.

    The page is the answer itself, not a redirect: a token kept for the next page would travel
    in the session cookie, which is signed but readable.
    """
    form = AccessTokenForm()
    if form.validate_on_submit():
        try:
            made = access_tokens.create_access_token(
                current_user, form.name.data, AccessScope(form.scope.data)
            )
        except service.AccountError as error:
            show_account_error(form, error)
        else:
            return render_settings(new_token=made)
    return render_settings(token_form=form), 422


@bp.post("/settings/tokens/<int:token_id>/revoke")
@login_required
def revoke_access_token(token_id: int) -> Response:
    """Revoke a token: programs using it are refused from now on."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not access_tokens.revoke_access_token(current_user, token_id):
        abort(404)
    flash(_("The token is revoked."), "success")
    return redirect(url_for("accounts.settings"))


@bp.route("/@<handle>/avatar.png")
def avatar(handle: str) -> Response:
    """The uploaded picture, cached by browsers (the URL changes with each upload)."""
    png = service.avatar_png(handle)
    if png is None:
        abort(404)
    response = current_app.response_class(png, mimetype="image/png")
    response.cache_control.public = True
    response.cache_control.max_age = 31536000
    return response


@bp.route("/@<handle>/initials.svg")
def initials_avatar(handle: str) -> Response:
    """The generated initials picture."""
    user = profile_or_404(handle)
    response = current_app.response_class(initials_svg(user), mimetype="image/svg+xml")
    response.cache_control.max_age = 86400
    return response
