"""Allowances per email address, counted in the rate limiter's storage.

The storage is the one Flask-Limiter uses (Redis with REDIS_URL), so every web process
sees the same counts. Unlike a limit decorator, which answers 429 to everyone once one
address has been tried too often, these counters leave it to the view what a spent
allowance means: a wrong password is answered 429 while the right one still signs in, a
mail is not sent again. Whoever tries someone else's address cannot lock them out.
"""

from __future__ import annotations

from flask import current_app
from limits import RateLimitItem, parse_many

from app.extensions import limiter

LOGIN_FAILURES = "login-failures"
RESET_MAILS = "reset-mails"
SIGN_UP_MAILS = "sign-up-mails"


def _counting() -> bool:
    """Tests and development may switch the limits off, as Flask-Limiter's own."""
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def _allowances(setting: str) -> list[RateLimitItem]:
    return parse_many(current_app.config[setting])


def _identifiers(purpose: str, address: str) -> list[str]:
    """The storage key's parts; the configured prefix keeps deployments sharing Redis apart."""
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "")
    return [part for part in (prefix, purpose, address) if part]


def spend(setting: str, purpose: str, address: str) -> bool:
    """Count one more for the address; False once any window of the setting is spent."""
    if not _counting():
        return True
    identifiers = _identifiers(purpose, address)
    # Every window counts the attempt, so a day's allowance runs down while a minute's is spent.
    within = [limiter.limiter.hit(item, *identifiers) for item in _allowances(setting)]
    return all(within)
