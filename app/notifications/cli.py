"""`flask notify run [--once]`: the sender."""

from __future__ import annotations

import logging

import click
from flask.cli import AppGroup

from app.notifications.sender import run_forever, run_once

notify = AppGroup("notify", help="Send notices and other emails from the outbox.")


@notify.command("run")
@click.option("--once", is_flag=True, help="Send what is due now, then exit.")
@click.option("--poll", default=5.0, show_default=True, help="Seconds between rounds.")
@click.option("--batch", default=200, show_default=True, help="Notices claimed at a time.")
def run_command(once: bool, poll: float, batch: int) -> None:
    """Deliver due notices over one SMTP connection per batch, retrying failures."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s sender %(message)s")
    if once:
        click.echo(f"Sent {run_once(batch, forget_expired=True)} notices.")
        return
    run_forever(poll, batch)
