"""What the import tests share besides fixtures: the exports, the letters, the report."""

from __future__ import annotations

from pathlib import Path

from click.testing import Result
from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.letters.models import Letter

EXPORTS = Path(__file__).parent / "exports"


def letter(slug: str) -> Letter:
    found = db.session.scalars(select(Letter).where(Letter.slug == slug)).first()
    assert found is not None, f"no letter at {slug}"
    return found


def report_of(result: Result) -> str:
    """The report the command ends with, without the progress lines before it."""
    lines = result.output.splitlines()
    return "\n".join(line for line in lines if not line.startswith("Importing"))


def email_of(user_id: int | None) -> str:
    """The address of a colleague by id ("" for none): letters load no people by themselves."""
    user = db.session.get(User, user_id) if user_id else None
    return user.email if user else ""
