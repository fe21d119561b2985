"""The JSON API under /api/: letters, correspondences, colleagues, tags and search to read;
drafts, answers and publishing to write, with a personal access token.

flask-smorest builds the OpenAPI description from these views and their marshmallow schemas
(/api/openapi.json); /api/docs shows it with Swagger UI, served from static/.
"""

from app.api.blueprint import ApiBlueprint

bp = ApiBlueprint(
    "api",
    __name__,
    url_prefix="/api",
    description="Letters, correspondences, colleagues, tags and search; writing with a token.",
)

# The routes register themselves on bp.
from app.api import access, letter_views, list_views, signature_views, writing_views  # noqa: E402, F401
