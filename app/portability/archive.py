"""What an export holds: a colleague's folder, and the whole site's folders beside tags."""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Protocol

from sqlalchemy import or_, select

from app.accounts.models import AccessToken, User
from app.accounts.notice_settings import notice_settings_of
from app.extensions import db
from app.letters.models import Letter
from app.links.models import Tag
from app.portability.correspondences_out import mbox_files
from app.portability.letters_out import letter_files, stamp
from app.signatures.models import Signature
from app.subscriptions.models import Subscription

PROFILE_FIELDS = (
    "email", "handle", "display_name", "role_line", "bio", "salutation_name", "greeting_de",
    "default_closing", "locale", "timezone", "is_admin",
)  # fmt: skip
NOTICE_FIELDS = ("letters_to_me", "replies_to_my_letters", "threads_i_wrote_in", "whole_letter")


class Sink(Protocol):
    """Where exported files go: a zip file or a folder."""

    def write_text(self, name: str, text: str) -> None: ...

    def write_file(self, name: str, path: Path) -> None: ...


class ZipSink:
    """Files into an open zip archive."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive

    def write_text(self, name: str, text: str) -> None:
        self.archive.writestr(name, text)

    def write_file(self, name: str, path: Path) -> None:
        self.archive.write(path, name)


class FolderSink:
    """Files into a folder on disk."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write_text(self, name: str, text: str) -> None:
        target = self.root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def write_file(self, name: str, path: Path) -> None:
        target = self.root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


def as_json(data: Any) -> str:
    """Readable JSON, dates as ISO 8601."""

    def plain(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.isoformat()
        return str(value)

    return json.dumps(data, indent=2, ensure_ascii=False, default=plain) + "\n"


def profile_record(user: User) -> dict[str, Any]:
    """The profile and notice settings; never the password hash or session secrets."""
    settings = notice_settings_of(user)
    record: dict[str, Any] = {name: getattr(user, name) for name in PROFILE_FIELDS}
    record["created_at"] = stamp(user.created_at)
    record["confirmed_at"] = stamp(user.confirmed_at)
    record["notice_settings"] = {name: getattr(settings, name) for name in NOTICE_FIELDS}
    return record


def subscription_record(subscription: Subscription) -> dict[str, Any]:
    """A subscription as plain data."""
    return {
        "email": subscription.email,
        "target": str(subscription.target),
        "target_id": subscription.target_id,
        "frequency": str(subscription.frequency),
        "locale": subscription.locale,
        "created_at": subscription.created_at,
        "confirmed_at": subscription.confirmed_at,
    }


def signature_records(user: User) -> list[dict[str, Any]]:
    """The signatures this colleague gave, with the letter's slug."""
    query = (
        select(Signature, Letter.slug)
        .join(Letter, Letter.id == Signature.letter_id)
        .where(or_(Signature.user_id == user.id, Signature.email == user.email))
        .order_by(Signature.id)
    )
    return [
        {"letter": slug, "name": s.name, "affiliation": s.affiliation, "named": s.named,
         "created_at": s.created_at, "confirmed_at": s.confirmed_at, "removed_at": s.removed_at}
        for s, slug in db.session.execute(query)
    ]  # fmt: skip


def token_records(user: User) -> list[dict[str, Any]]:
    """Names, scopes and dates of the colleague's access tokens; never the secrets."""
    tokens = db.session.scalars(select(AccessToken).where(AccessToken.user_id == user.id))
    fields = ("name", "created_at", "last_used_at")
    return [{**{name: getattr(t, name) for name in fields}, "scope": str(t.scope)} for t in tokens]


def export_colleague(user: User, sink: Sink, folder: str, scratch: Path) -> None:
    """Everything of one colleague's under `folder`."""
    sink.write_text(f"{folder}/profile.json", as_json(profile_record(user)))
    subscriptions = db.session.scalars(
        select(Subscription).where(Subscription.email == user.email).order_by(Subscription.id)
    )
    sink.write_text(
        f"{folder}/subscriptions.json", as_json([subscription_record(s) for s in subscriptions])
    )
    sink.write_text(f"{folder}/signatures.json", as_json(signature_records(user)))
    sink.write_text(f"{folder}/access_tokens.json", as_json(token_records(user)))
    mine = select(Letter.id).where(Letter.author_id == user.id).order_by(Letter.id)
    for name, text in letter_files(list(db.session.scalars(mine)), f"{folder}/letters"):
        sink.write_text(name, text)
    for name, path in mbox_files(user, f"{folder}/correspondences", scratch):
        sink.write_file(name, path)
        path.unlink()


def colleague_zip(user: User) -> IO[bytes]:
    """A colleague's export as a zip in a temporary file, rewound for reading."""
    archive_file = tempfile.TemporaryFile()
    with (
        tempfile.TemporaryDirectory() as scratch,
        zipfile.ZipFile(archive_file, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        export_colleague(user, ZipSink(archive), user.handle, Path(scratch))
    archive_file.seek(0)
    return archive_file


def export_site(root: Path) -> int:
    """The whole site into the folder `root`: a folder per colleague, tags, subscriptions."""
    sink = FolderSink(root)
    users = list(db.session.scalars(select(User).order_by(User.id)))
    with tempfile.TemporaryDirectory() as scratch:
        for user in users:
            export_colleague(user, sink, f"colleagues/{user.handle}", Path(scratch))
    tags = db.session.scalars(select(Tag).order_by(Tag.name))
    sink.write_text("tags.json", as_json([{"name": t.name, "slug": t.slug} for t in tags]))
    subscriptions = db.session.scalars(select(Subscription).order_by(Subscription.id))
    sink.write_text("subscriptions.json", as_json([subscription_record(s) for s in subscriptions]))
    return len(users)
