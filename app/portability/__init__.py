"""Taking data out: a colleague's zip from the settings page and `flask export PATH`."""

from flask import Blueprint

bp = Blueprint("portability", __name__)

# The routes register themselves on bp.
from app.portability import address_views, deletion_views, views  # noqa: E402, F401
