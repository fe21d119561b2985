"""Each correspondence a colleague wrote in as an mbox file that mail programs show as a thread."""

from __future__ import annotations

import mailbox
import tempfile
from collections.abc import Iterator
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from sqlalchemy import or_, select

from app.accounts.models import User
from app.extensions import db
from app.letters.models import Letter, LetterStatus
from app.notifications.compose import message_id_for
from app.portability.letters_out import BATCH_SIZE, people_of

# Senders get an address no mail goes to (RFC 2606): the archive gives away no one's address.
UNROUTABLE_DOMAIN = "colleagues.invalid"
# Stands where a notice's Message-ID has the recipient's hash: one archive id per letter.
ARCHIVE_MARK = "archive"


def threads_written_in(user: User) -> list[int]:
    """Root ids of the correspondences this colleague wrote a letter in."""
    query = (
        select(Letter.thread_root_id)
        .where(Letter.author_id == user.id, Letter.thread_root_id.is_not(None))
        .distinct()
    )
    return sorted(i for i in db.session.scalars(query) if i is not None)


def thread_letters(root_ids: list[int], reader: User) -> dict[int, list[Letter]]:
    """The letters of these correspondences a reader may see, per root, oldest first."""
    visible = or_(Letter.status == LetterStatus.PUBLISHED, Letter.author_id == reader.id)
    query = (
        select(Letter)
        .where(Letter.thread_root_id.in_(root_ids), visible)
        .order_by(Letter.created_at, Letter.id)
    )
    threads: dict[int, list[Letter]] = {i: [] for i in root_ids}
    for letter in db.session.scalars(query):
        threads[letter.thread_root_id or letter.id].append(letter)
    return threads


def archive_id(letter_id: int) -> str:
    return message_id_for(letter_id, ARCHIVE_MARK)


def ancestry(letter: Letter, by_id: dict[int, Letter]) -> list[str]:
    """Message-IDs of the letters this one answers, the root first."""
    chain: list[str] = []
    parent_id = letter.in_reply_to_id
    while parent_id is not None and len(chain) < len(by_id):
        chain.insert(0, archive_id(parent_id))
        parent = by_id.get(parent_id)
        parent_id = parent.in_reply_to_id if parent else None
    return chain


def letter_message(
    letter: Letter, people: dict[int, User], by_id: dict[int, Letter]
) -> EmailMessage:
    """One letter as an email of the thread."""
    author = people[letter.author_id]
    message = EmailMessage()
    message["From"] = Address(author.display_name, author.handle, UNROUTABLE_DOMAIN)
    message["Subject"] = letter.title
    message["Date"] = format_datetime(letter.published_at or letter.created_at)
    message["Message-ID"] = archive_id(letter.id)
    chain = ancestry(letter, by_id)
    if chain:
        message["In-Reply-To"] = chain[-1]
        message["References"] = " ".join(chain)
    parts = [letter.salutation, letter.body, f"{letter.closing}\n{letter.signature}".strip()]
    if letter.postscript:
        parts.append(f"P.S. {letter.postscript}")
    message.set_content("\n\n".join(part for part in parts if part) + "\n")
    return message


def mbox_files(user: User, folder: str, scratch: Path) -> Iterator[tuple[str, Path]]:
    """(path in the archive, mbox file on disk) of each correspondence, a batch at a time."""
    roots = threads_written_in(user)
    for start in range(0, len(roots), BATCH_SIZE):
        threads = thread_letters(roots[start : start + BATCH_SIZE], user)
        people = people_of(letter for letters in threads.values() for letter in letters)
        for letters in threads.values():
            if letters:
                yield f"{folder}/{letters[0].slug}.mbox", written_mbox(letters, people, scratch)


def written_mbox(letters: list[Letter], people: dict[int, User], scratch: Path) -> Path:
    """The letters of one correspondence written to an mbox file in `scratch`."""
    by_id = {letter.id: letter for letter in letters}
    path = Path(tempfile.mkstemp(suffix=".mbox", dir=scratch)[1])
    box = mailbox.mbox(path)
    box.lock()
    try:
        for letter in letters:
            box.add(mailbox.mboxMessage(letter_message(letter, people, by_id)))
        box.flush()
    finally:
        box.unlock()
        box.close()
    return path
