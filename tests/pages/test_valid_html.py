"""Every page type passes the Nu Html Checker (vnu-jar), in English and in German."""

from __future__ import annotations

import pytest

from app.accounts.service import user_by_email
from app.demo import DEMO_PASSWORD
from tests.page_types import VNU_MISSING, vnu_available, vnu_errors
from tests.support import sign_in

pytestmark = pytest.mark.skipif(not vnu_available(), reason=VNU_MISSING)


def render_pages(client, paths: dict[str, str], language: str, folder) -> list:
    files = []
    for name, path in paths.items():
        response = client.get(path, headers={"Accept-Language": language})
        assert response.status_code < 500, (path, response.status_code)
        page = folder / f"{name}-{language}.html"
        page.write_bytes(response.data)
        files.append(page)
    return files


def test_every_page_type_is_valid_html(app, site, tmp_path):
    anonymous = app.test_client()
    files = []
    for language in ("en", "de"):
        files += render_pages(anonymous, site.anonymous, language, tmp_path)
    signed_in = app.test_client()
    sign_in(signed_in, user_by_email("sven@example.org"), DEMO_PASSWORD)
    for language in ("en", "de"):
        files += render_pages(signed_in, site.signed_in, language, tmp_path)
    errors = vnu_errors(files)
    assert errors == [], "\n".join(errors)
