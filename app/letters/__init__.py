"""Letters: writing, publishing and reading letters and whole correspondences."""

from flask import Blueprint

bp = Blueprint("letters", __name__)

# The routes register themselves on bp.
from app.letters import status_views, views  # noqa: E402, F401
