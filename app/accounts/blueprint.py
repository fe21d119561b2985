"""The accounts blueprint, shared by views.py and profile_views.py."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)
