"""The HTML checker visits every page type of the demo correspondences."""

from __future__ import annotations

import pytest
from flask import Flask

from app.demo import load_demo_data
from app.extensions import db
from tests.page_types import PageSet, every_page_type


@pytest.fixture
def site(app: Flask) -> PageSet:
    """The demo correspondences plus withdrawn, edited and subscribed-to states."""
    load_demo_data()
    db.session.commit()
    return every_page_type()
