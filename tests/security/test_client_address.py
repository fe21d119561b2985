"""The per-IP login limit counts the real client: X-Forwarded-For only from trusted proxies."""

from __future__ import annotations

from tests.support import server_like_client

LIMITS = {
    "RATELIMIT_ENABLED": True,
    "LOGIN_LIMIT_PER_IP": "2 per minute",
    "LOGIN_LIMIT_PER_ACCOUNT": "100 per minute",
}


def attempt(client, number: int, forwarded_for: str) -> int:
    data = {"email": f"person{number}@example.org", "password": "wrong password"}
    headers = {"X-Forwarded-For": forwarded_for}
    return client.post("/auth/login", data=data, headers=headers).status_code


def test_spoofed_forwarded_for_does_not_escape_the_ip_limit(app_factory):
    client = server_like_client(app_factory(**LIMITS))
    statuses = [attempt(client, number, f"203.0.113.{number}") for number in range(3)]
    assert statuses == [401, 401, 429]


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(app_factory):
    client = server_like_client(app_factory(TRUSTED_PROXIES=1, **LIMITS))
    statuses = [attempt(client, number, f"203.0.113.{number}") for number in range(3)]
    assert statuses == [401, 401, 401]
    same_client = [attempt(client, number, "198.51.100.7") for number in range(3, 6)]
    assert same_client == [401, 401, 429]
