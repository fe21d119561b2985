"""The HTML checker visits every page type of the demo correspondences."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.accounts.service import user_by_email
from app.demo import DEMO_PASSWORD, load_demo_data
from tests.conftest import login
from tests.page_types import PageSet, every_page_type


@pytest.fixture
def site(app: Flask) -> PageSet:
    """The demo correspondences plus withdrawn, edited and subscribed-to states."""
    load_demo_data()
    return every_page_type()


def sign_in_as_sven(client: FlaskClient) -> None:
    login(client, user_by_email("sven@example.org"), DEMO_PASSWORD)
