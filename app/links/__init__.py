"""Links: tags, related discussions, backlinks ("mentioned in")."""

from flask import Blueprint

bp = Blueprint("links", __name__)

# The receivers connect to the letter signals.
from app.links import receivers  # noqa: E402, F401
