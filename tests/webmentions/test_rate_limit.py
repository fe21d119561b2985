"""The public endpoint is limited per client address (each webmention costs a page read)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

from tests.webmentions.conftest import SETTINGS
from tests.webmentions.sources import letter_address, post_webmention


@pytest.fixture
def app(app_factory: Callable[..., Flask]) -> Flask:
    return app_factory(**SETTINGS, RATELIMIT_ENABLED=True, WEBMENTION_LIMIT_PER_IP="3 per minute")


def test_a_client_posting_too_often_gets_429(client, make_user, make_letter):
    target = letter_address(make_letter(make_user()).slug)
    answers = [
        post_webmention(client, f"https://elsewhere.example/{n}", target).status_code
        for n in range(4)
    ]
    assert answers == [202, 202, 202, 429]
    other = {"REMOTE_ADDR": "192.0.2.7"}
    response = client.post(
        "/webmention", data={"source": "https://e.example/x", "target": target}, environ_base=other
    )
    assert response.status_code == 202
