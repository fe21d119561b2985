"""Personal access tokens: made and revoked on the settings page, presented to the JSON API.

A token reads `bw_<lookup>_<secret>`. Only a SHA-256 digest of the whole token is stored, so
the database cannot give a token away; the random lookup part finds the one row whose digest
is compared. Both parts come from `secrets`: nothing about a token can be guessed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import joinedload

from app.accounts.models import AccessScope, AccessToken, User
from app.accounts.service import AccountError
from app.database import utc_now
from app.extensions import db

TOKEN_PREFIX = "bw_"
LOOKUP_LENGTH = 12
MAX_TOKEN_LENGTH = 100  # ours are 59 characters; anything much longer is not one of ours
MAX_TOKENS_PER_USER = 20
# "Last used" is a date for the settings page, not a log: a token used all day long is
# written at most once an hour, and never on every request.
LAST_USE_PRECISION = timedelta(hours=1)


@dataclass(frozen=True)
class NewToken:
    """A token just made: the only moment its secret is known, to be shown once."""

    token: AccessToken
    secret: str


def digest(presented: str) -> str:
    return hashlib.sha256(presented.encode()).hexdigest()


def create_access_token(user: User, name: str, scope: AccessScope) -> NewToken:
    """A new token of the colleague, with a name to recognise it by."""
    count = db.session.scalar(select(func.count()).where(AccessToken.user_id == user.id)) or 0
    if count >= MAX_TOKENS_PER_USER:
        raise AccountError(
            _l("You have %(count)d tokens; revoke one first.", count=count), field="name"
        )
    lookup = secrets.token_hex(LOOKUP_LENGTH // 2)
    secret = f"{TOKEN_PREFIX}{lookup}_{secrets.token_urlsafe(32)}"
    token = AccessToken(
        user_id=user.id,
        name=name.strip(),
        scope=scope,
        lookup=lookup,
        secret_hash=digest(secret),
    )
    db.session.add(token)
    db.session.flush()
    return NewToken(token, secret)


def access_tokens_of(user: User) -> list[AccessToken]:
    """The colleague's tokens, newest first."""
    return list(
        db.session.scalars(
            select(AccessToken)
            .where(AccessToken.user_id == user.id)
            .order_by(AccessToken.created_at.desc(), AccessToken.id.desc())
        )
    )


def revoke_access_token(user: User, token_id: int) -> bool:
    """Delete one of the colleague's tokens; False if they have none of this id."""
    result = db.session.execute(
        delete(AccessToken).where(AccessToken.id == token_id, AccessToken.user_id == user.id)
    )
    return bool(result.rowcount)


def token_presented(presented: str) -> AccessToken | None:
    """The token (with its colleague) that this secret belongs to, or None."""
    if len(presented) > MAX_TOKEN_LENGTH or not presented.startswith(TOKEN_PREFIX):
        return None
    lookup, _, rest = presented.removeprefix(TOKEN_PREFIX).partition("_")
    if len(lookup) != LOOKUP_LENGTH or not rest:
        return None
    token = db.session.scalars(
        select(AccessToken)
        .where(AccessToken.lookup == lookup)
        .options(joinedload(AccessToken.user))
    ).first()
    if token is None or not hmac.compare_digest(token.secret_hash, digest(presented)):
        return None
    return token


def note_use(token: AccessToken) -> None:
    """Remember when the token was last used, at most once within LAST_USE_PRECISION.

    A request that only reads must not fail because this date could not be written (another
    writer holds SQLite's lock): the date then waits for the next request.
    """
    now = utc_now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USE_PRECISION:
        return
    try:
        with db.session.begin_nested():
            token.last_used_at = now
    except OperationalError:
        db.session.expire(token, ["last_used_at"])
