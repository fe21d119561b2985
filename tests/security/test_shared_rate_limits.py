"""With REDIS_URL, login attempts are counted in Redis: every web process sees the same count."""

from __future__ import annotations

import uuid

import pytest

from app import create_app
from app.config import build_config
from app.extensions import db
from tests.support import config_for_tests, redis_answers, server_like_client

REDIS_URL = "redis://127.0.0.1:6379/15"


def test_redis_url_becomes_the_rate_limit_storage():
    assert build_config({"REDIS_URL": REDIS_URL})["RATELIMIT_STORAGE_URI"] == REDIS_URL
    assert build_config({"REDIS_URL": ""})["RATELIMIT_STORAGE_URI"] == "memory://"


def failed_logins_after_a_restart(app, make_user, storage: str) -> list[int]:
    """Two wrong passwords, a new process (app and limiter built anew), three more."""
    settings = {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": storage,
        "LOGIN_LIMIT_PER_ACCOUNT": "4 per minute",
    }
    # An address of its own: counters in Redis outlive the test (the limiter keeps one prefix).
    wrong = {"email": make_user(email=f"{uuid.uuid4().hex}@example.org").email,
             "password": "not the password"}  # fmt: skip
    statuses = []
    for _ in range(2):
        process = create_app(config_for_tests(app.config["SQLALCHEMY_DATABASE_URI"], **settings))
        statuses += [server_like_client(process).post("/auth/login", data=wrong).status_code
                     for _ in range(2 if not statuses else 3)]  # fmt: skip
        with process.app_context():
            db.engine.dispose()  # the process ends: its connections close
    return statuses


@pytest.mark.skipif(not redis_answers(), reason="needs Redis on 127.0.0.1:6379")
def test_the_login_limit_counts_across_processes_in_redis(app, make_user):
    assert failed_logins_after_a_restart(app, make_user, REDIS_URL) == [401, 401, 401, 401, 429]


def test_without_redis_each_process_counts_alone(app, make_user):
    """The control: in-memory counters start again in every process."""
    assert failed_logins_after_a_restart(app, make_user, "memory://") == [401] * 5
