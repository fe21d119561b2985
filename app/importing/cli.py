"""`flask import wordpress FILE.xml`: a blog's posts in as letters, in one transaction."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from flask.cli import AppGroup

from app.accounts.service import AccountError
from app.extensions import db

importing = AppGroup("import", help="Bring letters in from elsewhere.")

# Without a terminal, one line each tenth of the way.
LINES = 10


class TerminalProgress:
    """A progress bar (click's) on a terminal."""

    def __init__(self) -> None:
        self.bar: Any = None

    def start(self, total: int) -> None:
        self.bar = click.progressbar(length=total, label="Importing", show_pos=True)
        self.bar.__enter__()

    def advance(self) -> None:
        self.bar.update(1)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


class LineProgress:
    """Plain lines for a log: "Importing: 200 of 2000 items"."""

    def __init__(self) -> None:
        self.total = self.done = 0

    def start(self, total: int) -> None:
        self.total = total
        click.echo(f"Importing {total} items …")

    def advance(self) -> None:
        self.done += 1
        step = max(1, self.total // LINES)
        if self.done % step == 0 or self.done == self.total:
            click.echo(f"Importing: {self.done} of {self.total} items")

    def finish(self) -> None:
        pass


@importing.command("wordpress")
@click.argument("export_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--no-comments", is_flag=True, help="Leave the posts' comments out.")
@click.option(
    "--unknown-author",
    metavar="EMAIL",
    help="The colleague for posts whose author has no email address in the export.",
)
def import_wordpress_command(
    export_file: Path, no_comments: bool, unknown_author: str | None
) -> None:
    """Import a WordPress export (WXR): its posts become letters; run again, nothing doubles."""
    # The importer (markdownify, lxml: 11 MB) is loaded by this command alone.
    from app.importing.service import ImportOptions, import_wordpress
    from app.importing.wxr import ExportError

    progress = TerminalProgress() if sys.stdout.isatty() else LineProgress()
    options = ImportOptions(comments=not no_comments, unknown_author=unknown_author)
    try:
        report = import_wordpress(export_file, options, progress)
    except (ExportError, AccountError) as error:
        db.session.rollback()
        raise click.ClickException(f"{export_file}: {error} Nothing was imported.") from error
    finally:
        progress.finish()
    db.session.commit()
    click.echo("\n".join(report.lines()))
