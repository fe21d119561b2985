"""Operations: /healthz and /metrics, and the `flask doctor` and `flask backup` commands."""

from flask import Blueprint

bp = Blueprint("ops", __name__)

# The routes register themselves on bp.
from app.ops import views  # noqa: E402, F401
