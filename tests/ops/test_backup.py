"""`flask backup` taken while a colleague writes restores to a working site, nothing half done."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select, text

from app.extensions import db
from app.letters.models import Letter, Revision
from app.links.service import tag_names
from app.notifications.models import LetterEvent
from tests.ops.letter_writer import body_of_version, tags_of_version
from tests.ops.support import migrated_site, run_doctor
from tests.support import app_for_tests, database_url
from tests.test_migrations import drop_every_table

ROOT = Path(__file__).resolve().parents[2]


class LetterWriter:
    """tests/ops/letter_writer.py in a process of its own, counting the letters it committed."""

    def __init__(self, url: str, folder: Path) -> None:
        self.stop_file = folder / "stop-writing"
        self.committed = 0
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.ops.letter_writer", url, str(self.stop_file)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.reader = threading.Thread(target=self.count_commits, daemon=True)
        self.reader.start()

    def count_commits(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.committed = int(line) + 1

    def wait_for(self, letters: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while self.committed < letters:
            assert self.process.poll() is None, self.stop()
            assert time.monotonic() < deadline, f"only {self.committed} letters written"
            time.sleep(0.02)

    def stop(self) -> str:
        """Ask the writer to finish its letter and end; what it said on stderr."""
        self.stop_file.touch()
        self.process.wait(timeout=60)
        self.reader.join(timeout=10)
        assert self.process.stderr is not None and self.process.stdout is not None
        errors = self.process.stderr.read()
        self.process.stderr.close()
        self.process.stdout.close()
        return errors


def take_backups_while_writing(app: Flask, url: str, folder: Path) -> list[tuple[str, int]]:
    """Three backups while the writer writes: what `flask backup` said, and the letters
    committed before it began."""
    writer = LetterWriter(url, folder)
    backups = []
    try:
        writer.wait_for(5)
        for number in range(3):
            before = writer.committed
            result = app.test_cli_runner().invoke(args=["backup", str(folder / f"b{number}")])
            assert result.exit_code == 0, result.output
            backups.append((result.output, before))
            writer.wait_for(writer.committed + 2)  # it wrote on between backups
    finally:
        errors = writer.stop()
    assert writer.process.returncode == 0, errors
    return backups


def assert_every_letter_whole(app: Flask, at_least: int) -> None:
    """Each letter as its one transaction left it: edited text, one revision, final tags."""
    with app.app_context():
        letters = db.session.scalars(select(Letter).order_by(Letter.id)).all()
        assert len(letters) >= at_least
        for letter in letters:
            number = int(letter.title.removeprefix("Letter "))
            assert letter.body == body_of_version(number, 2)
            revisions = db.session.scalars(select(Revision).where(Revision.letter_id == letter.id))
            assert [revision.body for revision in revisions] == [body_of_version(number, 1)]
            assert sorted(tag_names(letter)) == sorted(tags_of_version(number, 2))
        events = db.session.scalar(select(func.count()).select_from(LetterEvent))
        assert events == len(letters)  # each publication's outbox event came along
        assert_pages_serve(app, letters)
        db.session.remove()


def assert_pages_serve(app: Flask, letters: list[Letter]) -> None:
    client = app.test_client()
    assert client.get("/").status_code == 200
    assert client.get("/tags/batch-0").status_code == 200
    for letter in letters[-5:]:  # the last written, the likeliest to have been caught midway
        page = client.get(f"/letters/{letter.slug}")
        assert page.status_code == 200 and "version 2" in page.get_data(as_text=True)
    last = letters[-1]
    found = client.get(f"/search?q=marker{last.title.removeprefix('Letter ')}word")
    assert last.title in found.get_data(as_text=True)


def assert_migrated_to_head(app: Flask) -> None:
    """`flask doctor` finds the database answering and at the newest migration."""
    with app.app_context():
        assert "answers, migrated to" in run_doctor(app).ok("database")


def test_sqlite_backup_under_write_load_restores_to_a_working_site(tmp_path):
    url = database_url("sqlite", tmp_path)
    with migrated_site(url) as app:
        backups = take_backups_while_writing(app, url, tmp_path)
    for number, (said, letters_before) in enumerate(backups):
        backup = said.split(" written to ")[1].split(" (")[0]
        # The restore in the README: the backup file copied to where DATABASE_URL points.
        restored = tmp_path / f"restored-{number}.sqlite"
        shutil.copyfile(backup, restored)
        site = app_for_tests(f"sqlite:///{restored}")
        with site.app_context():
            assert db.session.scalar(text("PRAGMA integrity_check")) == "ok"
            db.session.remove()
        assert_migrated_to_head(site)
        assert_every_letter_whole(site, at_least=letters_before)
        with site.app_context():
            db.engine.dispose()


@pytest.mark.postgres
def test_postgres_backup_under_write_load_restores_with_pg_restore(tmp_path):
    pytest.importorskip("psycopg")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump and pg_restore are not installed (Debian: postgresql-client)")
    url = database_url("postgres", tmp_path)
    if not url:
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL")
    with migrated_site(url) as app:
        backups = take_backups_while_writing(app, url, tmp_path)
        for said, letters_before in backups[:2]:
            drop_every_table(db.engine)
            # The command `flask backup` printed, as an operator would paste it.
            command = shlex.split(said.split("Restore with: ")[1])
            completed = subprocess.run(command, capture_output=True, text=True, check=False)
            assert completed.returncode == 0, completed.stderr
            assert_migrated_to_head(app)
            assert_every_letter_whole(app, at_least=letters_before)


def test_backup_into_a_folder_is_named_by_its_time_and_never_overwrites(tmp_path):
    with migrated_site(database_url("sqlite", tmp_path)) as app:
        runner = app.test_cli_runner()
        folder = tmp_path / "backups"
        folder.mkdir()
        assert runner.invoke(args=["backup", str(folder)]).exit_code == 0
        (made,) = folder.iterdir()
        assert re.fullmatch(r"briefwechsel-\d{8}-\d{6}\.sqlite", made.name)
        again = runner.invoke(args=["backup", str(made)])
        assert again.exit_code == 1 and "exists already" in again.output
        nowhere = runner.invoke(args=["backup", str(tmp_path / "missing" / "b.sqlite")])
        assert nowhere.exit_code == 1 and "there is no folder" in nowhere.output
