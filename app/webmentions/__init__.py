"""Webmention (a W3C Recommendation): answers from other sites, and telling other sites.

Above links (it reads a letter's outside links), below discovery and subscriptions. The
endpoint `POST /webmention` only queues; the sender (`flask notify run`) verifies what came
in and sends what our letters owe (app.webmentions.jobs).
"""

from flask import Blueprint

bp = Blueprint("webmentions", __name__)

from app.webmentions import receivers, views  # noqa: E402, F401
