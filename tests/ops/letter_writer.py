"""A colleague who never stops writing: publishes and edits letters through the services.

    python -m tests.ops.letter_writer DATABASE_URL STOP_FILE

Each transaction publishes letter N with tags, keeps the transaction open a moment, edits
the letter (a revision, other tags) and commits; then it prints N. Runs until STOP_FILE
exists. A backup taken meanwhile must hold every letter whole, as it was after the edit.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from app.accounts.service import create_user
from app.extensions import db
from app.letters.models import Language
from app.letters.service import LetterDraft, save_letter
from tests.support import PASSWORD, app_for_tests

# Long enough that a backup taken at any moment is likely to meet a transaction half done.
HALF_DONE_SECONDS = 0.01


def tags_of_version(number: int, version: int) -> list[str]:
    """The tags letter `number` carries in each version of its text."""
    if version == 1:
        return [f"draft-{number}"]
    return [f"batch-{number % 3}", f"letter-{number}"]


def body_of_version(number: int, version: int) -> str:
    return f"Letter {number}, version {version}: about marker{number}word.\n\nSecond paragraph."


def draft(number: int, version: int) -> LetterDraft:
    return LetterDraft(
        title=f"Letter {number}",
        salutation="",
        body=body_of_version(number, version),
        closing="Best",
        signature="Writer",
        postscript="",
        language=Language.EN,
        addressee=None,
        addressee_name="Someone Outside",
        tags=tags_of_version(number, version),
    )


def write_until(stop_file: Path) -> None:
    author = create_user("writer@example.org", "Writer", PASSWORD)
    db.session.commit()
    number = 0
    while not stop_file.exists():
        letter = save_letter(author, draft(number, 1), publish=True)
        time.sleep(HALF_DONE_SECONDS)
        save_letter(author, draft(number, 2), publish=True, letter=letter)
        db.session.commit()
        print(number, flush=True)
        number += 1


def main() -> None:
    url, stop_file = sys.argv[1], Path(sys.argv[2])
    app = app_for_tests(url)
    with app.app_context():
        write_until(stop_file)
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
