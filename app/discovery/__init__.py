"""Discovery: front page, tags, people, search, feeds, sitemap and "more letters"."""

from flask import Blueprint

bp = Blueprint("discovery", __name__)

# The routes register themselves on bp; the receivers connect to the letter signals.
from app.discovery import fresh_pages, receivers, views  # noqa: E402, F401
