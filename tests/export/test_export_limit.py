"""The zip of everything is costly to make: each colleague has an allowance of their own."""

from __future__ import annotations

import pytest

from tests.support import sign_in


@pytest.fixture
def app(app_factory):
    return app_factory(RATELIMIT_ENABLED=True, EXPORT_LIMIT_PER_COLLEAGUE="2 per hour")


def download(client) -> tuple[int, str]:
    """The status and text of one download, its file closed (the zip is a temporary file)."""
    with client.get("/settings/export.zip") as response:
        text = "" if response.status_code == 200 else response.get_data(as_text=True)
        return response.status_code, text


def test_downloads_are_limited_per_colleague(app, correspondence):
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, correspondence.svenja)
    sign_in(phone, correspondence.svenja)
    assert download(laptop)[0] == 200
    assert download(phone)[0] == 200
    status, page = download(laptop)
    assert status == 429 and "Too many attempts" in page
    sven = app.test_client()
    sign_in(sven, correspondence.sven)
    assert download(sven)[0] == 200  # his own allowance
