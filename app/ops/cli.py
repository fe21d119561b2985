"""`flask doctor` and `flask backup PATH`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from app.ops.backup import BackupError, backup_database
from app.ops.doctor import run_checks


@click.command("doctor")
@with_appcontext
def doctor_command() -> None:
    """Check the settings and the services the site needs; exit 1 on any problem."""
    findings = run_checks()
    for finding in findings:
        click.echo(finding.line())
    if not all(finding.ok for finding in findings):
        raise SystemExit(1)


@click.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Copy the database to PATH (a file, or a folder for a dated file) while the site runs."""
    try:
        click.echo(backup_database(path))
    except BackupError as error:
        raise click.ClickException(str(error)) from error
