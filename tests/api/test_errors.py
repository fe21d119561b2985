"""Every error under /api/ is JSON with a message (and field messages where fields are at
fault), never the site's HTML page; too many requests answer 429 with Retry-After."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.api.conftest import bearer, json_of
from tests.support import server_like_client


def test_unknown_addresses_and_methods_answer_json(api, site):
    for path in ("/api/nothing", "/api/letters/a/b", "/api/", "/api", "/api/letters/Not_A_Slug"):
        response = api.get(path)
        assert response.status_code == 404, path
        assert json_of(response)["error"] == "not_found"
    response = api.delete("/api/letters")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "POST"}
    assert json_of(response) == {
        "error": "method_not_allowed",
        "message": "This address does not take this method.",
        "fields": {},
    }


def test_the_sites_own_pages_keep_their_html_errors(api, site):
    response = api.get("/letters/nothing-here")
    assert response.status_code == 404 and response.mimetype == "text/html"


def test_undecodable_input_is_a_json_400(api, site):
    response = api.get("/api/search?q=a%00b")
    assert response.status_code == 400
    assert json_of(response)["message"] == "The request contained a control character such as NUL."
    response = api.get("/api/search", environ_overrides={"QUERY_STRING": "q=%ff"})
    assert response.status_code == 400 and json_of(response)["error"] == "bad_request"


def test_a_body_past_the_limit_is_a_json_413(api, site, token_of):
    body = b'{"title": "' + b"x" * (5 * 1024 * 1024) + b'"}'
    response = api.post(
        "/api/letters",
        data=body,
        headers=bearer(token_of(site.sven)) | {"Content-Type": "application/json"},
    )
    assert response.status_code == 413 and json_of(response)["error"] == "request_entity_too_large"


def test_fields_come_as_json_or_not_at_all(api, site, token_of):
    token = bearer(token_of(site.sven))
    form = api.patch(f"/api/letters/{site.draft.slug}", data={"title": "By form"}, headers=token)
    assert form.status_code == 415
    assert json_of(form)["message"] == "Send the fields as JSON (Content-Type: application/json)."
    assert api.post(f"/api/letters/{site.draft.slug}/publish", headers=token).status_code == 200


def test_the_error_messages_follow_the_readers_language(api, site):
    response = api.get("/api/letters/nothing", headers={"Accept-Language": "de"})
    assert json_of(response)["message"] == "Hier ist kein Brief, oder keiner, den du sehen darfst."


@pytest.fixture
def limited(app: Flask, app_factory) -> Flask:
    """The application with small rate limits (made before the site, which it then holds)."""
    return app_factory(
        RATELIMIT_ENABLED=True,
        API_LIMIT_PER_ADDRESS="2 per minute",
        API_LIMIT_PER_TOKEN="3 per minute",
        API_WRITE_LIMIT_PER_TOKEN="1 per minute",
    )


def test_too_many_requests_from_one_address_answer_429_with_retry_after(limited, site):
    reader = server_like_client(limited)
    assert [reader.get(path).status_code for path in ("/api/letters", "/api/tags")] == [200, 200]
    refused = reader.get("/api/colleagues")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert json_of(refused)["error"] == "too_many_requests"
    neighbour = server_like_client(limited)
    assert (
        neighbour.get("/api/letters", environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 200
    )


def test_limits_count_per_token_and_writes_count_twice(limited, site, token_of):
    script = server_like_client(limited)
    own, other = bearer(token_of(site.sven)), bearer(token_of(site.svenja))
    letter = {"title": "Quick", "body": "x", "addressee": "svenja"}
    assert script.post("/api/letters", json=letter, headers=own).status_code == 201
    assert script.post("/api/letters", json=letter, headers=own).status_code == 429
    assert [script.get("/api/tags", headers=own).status_code for _ in range(3)] == [200, 200, 429]
    assert script.get("/api/letters", headers=other).status_code == 200
