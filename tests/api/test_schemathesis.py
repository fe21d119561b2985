"""The API answers as its OpenAPI description says: schemathesis sends what the description
allows (and what it does not) to every operation, with a write token, and checks each answer:
no 5xx, and every status, header and body as described."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from tests.api.conftest import bearer
from tests.support import app_for_tests

SLUGS = ["on-slow-decisions", "re-on-slow-decisions", "half-a-thought", "craft"]
CONFIG = {
    "checks": {
        # Valid by the description and still refused: what the write form checks and a schema
        # cannot say (a colleague or an outside name, not both; Markdown past its budgets), a
        # letter of someone else, one that does not exist or is in no state for it, and 304
        # for `If-None-Match: *`.
        "positive_data_acceptance": {
            "expected-statuses": ["2xx", "304", "403", "404", "409", "410", "422"]
        },
    },
    # Half the addresses name what the site holds, so that changing, answering and publishing
    # letters that exist is tried too, not only 404 for made-up ones.
    "dictionaries": {
        "slugs": {"values": SLUGS},
        "handles": {"values": ["sven", "svenja"]},
    },
    "parameters": {
        "path.slug": {"dictionary": "slugs", "probability": 0.5},
        "path.handle": {"dictionary": "handles", "probability": 0.5},
    },
}

# The description does not depend on the database: read once, from an app of its own.
schema = schemathesis.openapi.from_wsgi(
    "/api/openapi.json", app_for_tests("sqlite://"), config=SchemathesisConfig.from_dict(CONFIG)
)


@pytest.fixture
def write_token(site, token_of) -> str:
    return token_of(site.sven)


@schema.parametrize()
@settings(
    # Bounded: about half a minute for every operation on one database. Derandomised, so a
    # run that passed passes again; no example database is written into the checkout.
    max_examples=10,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_answers_as_described(case, app, write_token) -> None:
    case.call_and_validate(app=app, headers=bearer(write_token))
