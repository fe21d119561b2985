"""Accounts: colleagues, signing in, invitations, passwords, settings and pictures."""

from flask import Blueprint

from app.accounts.models import User
from app.templating import remembered_url_for

bp = Blueprint("accounts", __name__)


@bp.app_template_global()
def avatar_url(user: User) -> str:
    """The uploaded picture (versioned for caching) or the generated initials."""
    if user.avatar_version:
        return remembered_url_for("accounts.avatar", handle=user.handle, v=user.avatar_version)
    return remembered_url_for("accounts.initials_avatar", handle=user.handle)


# The routes register themselves on bp.
from app.accounts import settings_views, views  # noqa: E402, F401
