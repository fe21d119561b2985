"""Nobody locks a colleague out by trying their address, in one web process or across two."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import redis
from flask import Flask

from app import create_app
from app.extensions import db
from tests.support import PASSWORD, config_for_tests, redis_answers, server_like_client

REDIS_URL = "redis://127.0.0.1:6379/14"
WRONG = "not the password"
# The limit every client shares for one address trips before any one client's own limit.
LIMITS = {
    "LOGIN_LIMIT_PER_ACCOUNT": "3 per minute",
    "LOGIN_LIMIT_PER_ACCOUNT_AND_IP": "5 per minute",
}


class Scene:
    """A colleague, an attacker's client address and the colleague's own, all unique to a test."""

    def __init__(self) -> None:
        token = uuid.uuid4()
        self.email = f"{token.hex}@example.org"
        octets = token.bytes
        self.attacker = f"10.{octets[0]}.{octets[1]}.{octets[2]}"
        self.owner = f"10.{octets[3]}.{octets[4]}.{octets[5] ^ 1 if octets[5] else 1}"


@pytest.fixture
def scene(app, make_user) -> Iterator[Scene]:
    scene = Scene()
    make_user(email=scene.email)
    yield scene
    if redis_answers():  # counters in Redis outlive the test: remove this test's own
        store = redis.Redis.from_url(REDIS_URL)
        for pattern in (f"*{scene.email}*", f"*/{scene.attacker}/*", f"*/{scene.owner}/*"):
            for key in store.scan_iter(match=pattern):
                store.delete(key)
        store.close()


def web_process(app: Flask, storage: str) -> Flask:
    """A new web process on the same database: the app and its limiter are built anew."""
    settings = config_for_tests(
        app.config["SQLALCHEMY_DATABASE_URI"],
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=storage,
        **LIMITS,
    )
    return create_app(settings)


def sign_in_attempt(process: Flask, email: str, password: str, client_address: str) -> int:
    """The status one sign-in attempt from a fresh browser gets."""
    response = server_like_client(process).post(
        "/auth/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": client_address},
    )
    return response.status_code


def ended(process: Flask) -> None:
    with process.app_context():
        db.engine.dispose()  # the process ends: its connections close


def test_the_owner_signs_in_while_an_attacker_is_held_back(app, scene):
    process = web_process(app, "memory://")
    tries = [sign_in_attempt(process, scene.email, WRONG, scene.attacker) for _ in range(4)]
    assert tries == [401, 401, 401, 429]
    assert sign_in_attempt(process, scene.email, PASSWORD, scene.owner) == 302
    assert sign_in_attempt(process, scene.email, WRONG, scene.attacker) == 429
    assert sign_in_attempt(process, scene.email, WRONG, scene.owner) == 429
    ended(process)


def test_an_attacker_who_spent_their_own_limit_gets_429_even_with_the_right_password(app, scene):
    process = web_process(app, "memory://")
    for _ in range(5):
        sign_in_attempt(process, scene.email, WRONG, scene.attacker)
    assert sign_in_attempt(process, scene.email, PASSWORD, scene.attacker) == 429
    assert sign_in_attempt(process, scene.email, PASSWORD, scene.owner) == 302
    ended(process)


def attack_in_one_process_then_sign_in_in_another(app, scene, storage: str) -> list[int]:
    """The attacker trips the address's limit in one process; then a second one answers."""
    first = web_process(app, storage)
    statuses = [sign_in_attempt(first, scene.email, WRONG, scene.attacker) for _ in range(4)]
    ended(first)
    second = web_process(app, storage)
    statuses += [
        sign_in_attempt(second, scene.email, PASSWORD, scene.owner),
        sign_in_attempt(second, scene.email, WRONG, scene.attacker),
    ]
    ended(second)
    return statuses


@pytest.mark.skipif(not redis_answers(), reason="needs Redis on 127.0.0.1:6379")
def test_the_address_limit_is_counted_across_processes_in_redis(app, scene):
    statuses = attack_in_one_process_then_sign_in_in_another(app, scene, REDIS_URL)
    assert statuses == [401, 401, 401, 429, 302, 429]


def test_without_redis_the_second_process_counts_anew(app, scene):
    """The control: in-memory counters start again in every process."""
    statuses = attack_in_one_process_then_sign_in_in_another(app, scene, "memory://")
    assert statuses == [401, 401, 401, 429, 302, 401]
