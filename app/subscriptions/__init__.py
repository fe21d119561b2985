"""Subscriptions: following the site, a colleague, a correspondence or a tag by email."""

from flask import Blueprint

bp = Blueprint("subscriptions", __name__)

# The routes register themselves on bp.
from app.subscriptions import views  # noqa: E402, F401
