"""`flask backup PATH`: a consistent copy of the database, taken while the site keeps running."""

from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
import subprocess
from pathlib import Path

from flask import current_app
from sqlalchemy import URL, make_url

from app.database import utc_now

# pg_dump of a large site takes a while; a hung one should still end some day.
PG_DUMP_TIMEOUT_SECONDS = 6 * 3600


class BackupError(Exception):
    """The backup could not be made; the message says why and what to do."""


def backup_database(path: Path) -> str:
    """Copy the app's database to `path` (a file, or a folder for a dated file); say so."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        return backup_sqlite(Path(url.database or ""), backup_target(path, ".sqlite"))
    if url.get_backend_name() == "postgresql":
        return backup_postgres(url, backup_target(path, ".dump"))
    raise BackupError(f"no backup for {url.get_backend_name()} databases")


def backup_target(path: Path, suffix: str) -> Path:
    """The file to write: `path`, or a name with the time inside a folder. Never overwrites."""
    if path.is_dir():
        path = path / f"briefwechsel-{utc_now():%Y%m%d-%H%M%S}{suffix}"
    if path.exists():
        raise BackupError(f"{path} exists already: a backup never overwrites, choose another name")
    if not path.parent.is_dir():
        raise BackupError(f"there is no folder {path.parent}")
    return path


def backup_sqlite(database: Path, target: Path) -> str:
    """SQLite's online backup API: one consistent snapshot, while others go on writing.

    Written under another name and renamed when complete and checked, so that a file with
    the backup's name is always a whole backup.
    """
    if not database.exists():
        raise BackupError(f"there is no database at {database}")
    partial = target.with_name(target.name + ".partial")
    source = sqlite3.connect(database, timeout=60)
    try:
        copy = sqlite3.connect(partial)
        try:
            # In one step: a copy made in several starts over whenever someone writes between
            # two of them, and on a busy site it might never end. WAL lets writers go on.
            source.backup(copy)
            # One file on its own, without -wal and -shm companions to copy along.
            copy.execute("PRAGMA journal_mode=DELETE")
            verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            copy.close()
    finally:
        source.close()
    if verdict != "ok":
        partial.unlink()
        raise BackupError(f"the copy failed SQLite's integrity check: {verdict}")
    keep(partial, target)
    return f"Backup of {database} written to {target} ({size_of(target)}; integrity checked)."


def backup_postgres(url: URL, target: Path) -> str:
    """pg_dump's custom format: a consistent snapshot, restored with pg_restore."""
    address = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    command = ["pg_dump", "--format=custom", "--no-owner", f"--dbname={address}"]
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError(
            "pg_dump is not installed (Debian: apt install postgresql-client). Or run: "
            + shlex.join([*command, f"--file={target}"])
        )
    partial = target.with_name(target.name + ".partial")
    environment = {**os.environ, **({"PGPASSWORD": str(url.password)} if url.password else {})}
    result = subprocess.run(
        [pg_dump, *command[1:], f"--file={partial}"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=PG_DUMP_TIMEOUT_SECONDS,
        check=False,
    )
    if result.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    keep(partial, target)
    restore = shlex.join(["pg_restore", "--clean", "--if-exists", "--no-owner",
                          f"--dbname={address}", str(target)])  # fmt: skip
    return f"Backup written to {target} ({size_of(target)}). Restore with: {restore}"


def keep(partial: Path, target: Path) -> None:
    """Make the finished copy durable, then give it its name."""
    with partial.open("rb") as written:
        os.fsync(written.fileno())
    os.replace(partial, target)


def size_of(path: Path) -> str:
    return f"{path.stat().st_size / 2**20:,.1f} MB"
