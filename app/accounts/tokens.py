"""Signed, purpose-bound links for invitations, confirmations and password resets."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Any

from flask import current_app
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer


class InvalidToken(Exception):
    """The link is forged, for another purpose, expired, or already used."""


class TokenExpired(InvalidToken):
    """The link is genuine but older than its purpose allows."""


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return serializer_for(current_app.config["SECRET_KEY"], purpose)


@lru_cache(maxsize=64)
def serializer_for(secret_key: str, purpose: str) -> URLSafeTimedSerializer:
    """One serializer per key and purpose: the sender signs thousands of links in a row."""
    return URLSafeTimedSerializer(secret_key, salt=f"briefwechsel/{purpose}")


def make_token(purpose: str, payload: Any) -> str:
    """Sign a payload for one purpose; the signature carries its creation time."""
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age: int | None) -> Any:
    """The payload of a valid token, or InvalidToken (TokenExpired when it is only too old)."""
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise TokenExpired(str(error)) from error
    except BadData as error:  # bad signatures, undecodable payloads
        raise InvalidToken(str(error)) from error


def fingerprint(value: str) -> str:
    """A short digest that changes when the value does (makes reset links single-use)."""
    return hashlib.sha256(value.encode()).hexdigest()[:16]
