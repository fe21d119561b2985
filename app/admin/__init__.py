"""Admin: people and invitations, moderation, delivery status and the development mailbox."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

# The routes register themselves on bp.
from app.admin import people, views, webmentions  # noqa: E402, F401
