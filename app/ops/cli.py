"""`flask doctor`."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

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
