"""Sign-in, invitations, confirmation, password reset, profiles and settings."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from app.accounts import service
from app.accounts.avatars import AvatarError, initials_svg, square_png
from app.accounts.forms import (
    AcceptInvitationForm,
    AvatarForm,
    ChangeEmailForm,
    ChangePasswordForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from app.accounts.models import User
from app.accounts.tokens import InvalidToken
from app.extensions import db, limiter
from app.letters.forms import ConfirmForm
from app.letters.service import drafts_of, letters_received_by, letters_written_by
from app.web import safe_next_path

bp = Blueprint("accounts", __name__)


def login_account_key() -> str:
    """Rate-limit key for one account: the address being tried, whoever tries it."""
    return "account:" + service.normalise_email(request.form.get("email", ""))[:254]


def profile_or_404(handle: str) -> User:
    user = service.user_by_handle(handle)
    if user is None:
        abort(404)
    return user


@bp.route("/auth/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=login_account_key,
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
                session.clear()  # a fresh session at sign-in: nothing carries over
                login_user(user, remember=form.remember.data)
                return redirect(safe_next_path(request.args.get("next")))
        form.password.errors = [_("The email address or the password is not right.")]
    return render_template("accounts/login.html", form=form), status


@bp.post("/auth/logout")
def logout() -> Response:
    """Sign out (a POST, so that no link or image can sign someone out)."""
    if ConfirmForm().validate_on_submit():
        logout_user()
        session.clear()
    return redirect(url_for("discovery.index"))


@bp.route("/auth/register", methods=["GET", "POST"])
def register():
    """Open sign-up, only when OPEN_REGISTRATION is on."""
    if not current_app.config["OPEN_REGISTRATION"]:
        abort(404)
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = service.register(
                form.email.data, form.display_name.data, form.handle.data, form.password.data
            )
        except service.AccountError as error:
            form.email.errors = [str(error)]
        else:
            session.clear()
            login_user(user)
            flash(_("Welcome! We have sent you a link to confirm your address."), "success")
            return redirect(url_for("discovery.index"))
    status = 422 if form.errors else 200
    return render_template("accounts/register.html", form=form), status


@bp.route("/auth/invite/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """Create an account from an invitation link."""
    try:
        email = service.invited_email(token)
    except InvalidToken:
        abort(410, description=_("This invitation has expired or was used already."))
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            user = service.accept_invitation(
                token, form.display_name.data, form.handle.data, form.password.data
            )
        except service.AccountError as error:
            form.handle.errors = [str(error)]
        else:
            session.clear()
            login_user(user)
            flash(_("Welcome! Your account is ready."), "success")
            return redirect(url_for("accounts.settings"))
    status = 422 if form.errors else 200
    return render_template("accounts/accept_invitation.html", form=form, email=email), status


@bp.route("/auth/confirm/<token>")
def confirm_email(token: str) -> Response:
    """Follow the emailed link that proves an address."""
    try:
        service.confirm_email(token)
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
    """Send the confirmation link again."""
    if ConfirmForm().validate_on_submit() and current_user.confirmed_at is None:
        service.send_confirmation(current_user)
        flash(_("We have sent you a new confirmation link."), "success")
    return redirect(url_for("accounts.settings"))


@bp.route("/auth/reset", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RESET_LIMIT_PER_IP"], methods=["POST"])
def request_reset():
    """Ask for a reset link; the answer does not reveal whether the address has an account."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        service.request_password_reset(form.email.data)
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
        service.user_for_reset(token)
    except InvalidToken:
        abort(410, description=_("This link has expired or was used already."))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user = service.reset_password(token, form.password.data)
        session.clear()
        login_user(user)
        flash(_("Your new password is set."), "success")
        return redirect(url_for("discovery.index"))
    status = 422 if form.errors else 200
    return render_template("accounts/reset_password.html", form=form), status


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    """Profile, picture, password and email address."""
    profile = ProfileForm(obj=current_user)
    status = 200
    if profile.validate_on_submit():
        service.update_profile(
            current_user, **{name: profile[name].data for name in service.PROFILE_FIELDS}
        )
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("accounts.settings"))
    if profile.errors:
        status = 422
    return render_settings(profile=profile), status


def render_settings(**forms: object) -> str:
    defaults = {
        "profile": ProfileForm(obj=current_user, formdata=None),
        "avatar_form": AvatarForm(formdata=None),
        "password_form": ChangePasswordForm(formdata=None),
        "email_form": ChangeEmailForm(formdata=None),
        "action_form": ConfirmForm(formdata=None),
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
def change_password():
    """Change the password; other sessions are signed out."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            service.change_password(current_user, form.current_password.data, form.password.data)
        except service.AccountError as error:
            form.current_password.errors = [str(error)]
        else:
            login_user(current_user)  # the session carries the new nonce
            flash(_("Your password is changed."), "success")
            return redirect(url_for("accounts.settings"))
    return render_settings(password_form=form), 422


@bp.post("/settings/email")
@login_required
def change_email():
    """Start an address change: the new address must confirm it."""
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            service.request_email_change(current_user, form.email.data, form.current_password.data)
        except service.AccountError as error:
            form.email.errors = [str(error)]
        else:
            flash(_("Please follow the link we have sent to the new address."), "info")
            return redirect(url_for("accounts.settings"))
    return render_settings(email_form=form), 422


@bp.route("/@<handle>")
def profile(handle: str):
    """A colleague's page: who they are, letters written and received."""
    user = profile_or_404(handle)
    written = db.session.scalars(letters_written_by(user).limit(50)).unique().all()
    received = db.session.scalars(letters_received_by(user).limit(50)).unique().all()
    own = current_user.is_authenticated and current_user.id == user.id
    return render_template(
        "accounts/profile.html",
        user=user,
        written=written,
        received=received,
        drafts=drafts_of(user) if own else [],
    )


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
