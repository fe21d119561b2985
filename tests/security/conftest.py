"""Fixtures for the security tests: a colleague signed in and ready to write."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import sign_in


@pytest.fixture
def writer(make_user: Any, client: Any) -> Any:
    """A signed-in colleague, ready to write."""
    user = make_user("Sven Albrecht", handle="sven")
    sign_in(client, user)
    return user
