"""Notifications: who is told of a letter, composing notices and digests, the sender."""

from flask import Blueprint

bp = Blueprint("notifications", __name__)

# The routes register themselves on bp; the receivers connect to the letter signals.
from app.notifications import audience, receivers, views  # noqa: E402, F401
