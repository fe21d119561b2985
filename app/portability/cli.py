"""`flask export PATH`: the whole site in open formats, for an admin's backup."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from app.portability.archive import export_site


@click.command("export")
@click.argument("path", type=click.Path(path_type=Path, file_okay=False))
@with_appcontext
def export_command(path: Path) -> None:
    """Write every colleague's letters, threads and settings, tags and subscriptions to PATH."""
    if path.exists() and any(path.iterdir()):
        raise click.ClickException(f"{path} is not empty; name a new or empty folder.")
    path.mkdir(parents=True, exist_ok=True)
    count = export_site(path)
    click.echo(f"Exported {count} colleagues to {path}")
