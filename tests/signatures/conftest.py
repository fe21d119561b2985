"""Signature tests: a letter to sign, readers and colleagues, and real SMTP for the mail."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import insert

from app.accounts.models import User
from app.database import utc_now
from app.extensions import db
from app.letters.models import Letter
from app.signatures.models import Signature
from tests.support import SITE_URL


@pytest.fixture
def app(app_factory: Callable[..., Flask], mail_server: Any) -> Flask:
    return app_factory(**mail_server.settings)


@pytest.fixture
def author(make_user) -> User:
    return make_user("Svenja Köhler", handle="svenja", email="svenja@example.org")


@pytest.fixture
def letter(make_letter, author) -> Letter:
    return make_letter(author, None, title="For a four-day week", addressee_name="The board")


def sign_form(email: str = "ada@example.org", **fields: str) -> dict[str, str]:
    """What a reader sends from the signing page."""
    return {"name": "Ada Lovelace", "affiliation": "Analytical Engines", "email": email, **fields}


def link_in(text: str, path: str) -> str:
    """The first link to `path…` in a mail's text, as a path of the site."""
    match = re.search(re.escape(SITE_URL) + "(" + re.escape(path) + r"[\w.\-]+)", text)
    assert match, f"no {path} link in:\n{text}"
    return match.group(1)


def seed_signatures(letter: Letter, count: int, start: int = 0, **fields: Any) -> None:
    """Confirmed signatures in one statement: "Signer 0000", "Signer 0001", … in that order."""
    now = utc_now()
    rows = [
        {
            "letter_id": letter.id,
            "email": f"signer{number}@example.org",
            "name": f"Signer {number:04d}",
            "affiliation": "",
            "locale": "en",
            "named": True,
            "told_of_answers": False,
            "created_at": now,
            "confirmed_at": now,
            **fields,
        }
        for number in range(start, start + count)
    ]
    db.session.execute(insert(Signature), rows)
    db.session.commit()
