"""Signatures: colleagues and readers co-sign a published open letter."""

from flask import Blueprint

bp = Blueprint("signatures", __name__)

# The routes and the receivers of the letter signals register themselves.
from app.signatures import receivers, views  # noqa: E402, F401
