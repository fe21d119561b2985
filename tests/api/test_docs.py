"""The API's description (/api/openapi.json), made from the code, and its interactive page
(/api/docs), served from static/ without an inline script or a request elsewhere."""

from __future__ import annotations

import re
from pathlib import Path

from tests.api.conftest import json_of

ROOT = Path(__file__).resolve().parents[2]
OPERATIONS = {
    ("get", "/api/letters"),
    ("post", "/api/letters"),
    ("get", "/api/letters/{slug}"),
    ("patch", "/api/letters/{slug}"),
    ("post", "/api/letters/{slug}/publish"),
    ("post", "/api/letters/{slug}/replies"),
    ("get", "/api/letters/{slug}/signatures"),
    ("post", "/api/letters/{slug}/signatures"),
    ("delete", "/api/letters/{slug}/signatures"),
    ("get", "/api/correspondences"),
    ("get", "/api/correspondences/{slug}"),
    ("get", "/api/colleagues"),
    ("get", "/api/colleagues/{handle}"),
    ("get", "/api/tags"),
    ("get", "/api/tags/{slug}"),
    ("get", "/api/search"),
}


def test_the_description_names_every_operation_and_every_answer(api):
    spec = json_of(api.get("/api/openapi.json"))
    assert spec["openapi"] == "3.0.3" and spec["info"]["title"] == "Briefwechsel API"
    found = {(method, path) for path, item in spec["paths"].items() for method in item
             if method != "parameters"}  # fmt: skip
    assert found == OPERATIONS
    scheme = spec["components"]["securitySchemes"]["personalAccessToken"]
    assert scheme == {**scheme, "type": "http", "scheme": "bearer"}
    for method, path in OPERATIONS:
        operation = spec["paths"][path][method]
        answers = set(operation["responses"])
        assert {"400", "401", "404", "429"} <= answers, (method, path)
        assert "default" not in answers
        if method == "get":
            assert "304" in answers and any(
                parameter["name"] == "If-None-Match" for parameter in operation["parameters"]
            )
            assert operation["security"] == [{}, {"personalAccessToken": []}]
        else:
            assert {"403", "413", "415"} <= answers and operation["security"] == [
                {"personalAccessToken": []}
            ]
    slug = spec["paths"]["/api/letters/{slug}"]["parameters"][0]
    assert slug["schema"] == {"type": "string", "pattern": "^[a-z0-9-]{1,120}$"}


def test_the_docs_page_runs_swagger_ui_from_static_files(api):
    page = api.get("/api/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "unsafe-inline" not in page.headers["Content-Security-Policy"]
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all('src="/static/' in attributes for attributes in scripts)
    assert 'src="/static/vendor/swagger-ui/swagger-ui-bundle.js"' in html
    assert 'href="/static/vendor/swagger-ui/swagger-ui.css"' in html
    assert 'data-description="/api/openapi.json"' in html
    assert not re.findall(r'(?:src|href)="https?://', html)
    for path in ("/static/vendor/swagger-ui/swagger-ui-bundle.js", "/static/js/api-docs.js"):
        with api.get(path) as served:
            assert served.status_code == 200, path


def test_the_vendored_files_say_where_they_come_from():
    folder = ROOT / "static" / "vendor" / "swagger-ui"
    readme = (folder / "README.md").read_text()
    assert "swagger-ui-dist" in readme and "5.35.0" in readme and "Apache License 2.0" in readme
    assert "Apache License" in (folder / "LICENSE.txt").read_text()
    assert "validatorUrl: null" in (ROOT / "static" / "js" / "api-docs.js").read_text()
