"""What the API's tests share: tokens, clients that send them, and a small site to read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask

from app.accounts.access_tokens import create_access_token
from app.accounts.models import AccessScope, User
from app.extensions import db
from app.letters.models import Language, Letter
from app.letters.service import LetterDraft, save_letter
from tests.support import ServerLikeClient, server_like_client


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def token_of(app: Flask) -> Callable[..., str]:
    """A personal access token of the colleague (write scope unless told), committed."""

    def make(user: User, scope: str = "write", name: str = "a script") -> str:
        secret = create_access_token(user, name, AccessScope(scope)).secret
        db.session.commit()
        return secret

    return make


@pytest.fixture
def api(app: Flask) -> ServerLikeClient:
    """A client whose every request runs as under a server (a fresh app context)."""
    return server_like_client(app)


@dataclass
class Site:
    """Two colleagues and their correspondence: a letter, an answer, a draft and tags."""

    sven: User
    svenja: User
    first: Letter
    answer: Letter
    draft: Letter


def tagged_letter(author: User, addressee: User, title: str, tags: list[str]) -> Letter:
    """A published letter with tags, as the write form saves it; committed."""
    draft = LetterDraft(
        title=title, salutation="", body="Why *wait*?", closing="Best", signature="Sven",
        postscript="", language=Language.EN, addressee=addressee, addressee_name="", tags=tags,
    )  # fmt: skip
    letter = save_letter(author, draft, publish=True)
    db.session.commit()
    return letter


@pytest.fixture
def site(make_user: Callable[..., User], make_letter: Callable[..., Letter]) -> Site:
    sven = make_user("Sven Albrecht", handle="sven", email="sven@example.org")
    svenja = make_user("Svenja Köhler", handle="svenja", email="svenja@example.org")
    first = tagged_letter(sven, svenja, "On slow decisions", ["Craft", "Decisions"])
    answer = make_letter(svenja, sven, parent=first, title="Re: On slow decisions")
    draft = make_letter(sven, svenja, publish=False, title="Half a thought")
    return Site(sven, svenja, first, answer, draft)


def json_of(response: Any) -> Any:
    assert response.mimetype == "application/json", response.get_data(as_text=True)[:500]
    return response.get_json()
