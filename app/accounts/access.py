"""Who may open a page: the admin-only decorator."""

from __future__ import annotations

from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user


def admin_required(view: Any) -> Any:
    """Signed-in admins only; everyone else gets 404, as if the page did not exist."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not (current_user.is_authenticated and current_user.is_admin):
            abort(404)
        return view(*args, **kwargs)

    return wrapper
