"""`flask mail receive` (one message on standard input) and `flask mail lmtp` (the listener)."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from email.utils import getaddresses

import click
from flask import current_app
from flask.cli import AppGroup

from app.inbound.message import IncomingMail, read_header

mail = AppGroup("mail", help="Take mail coming in: replies to notices.")


@mail.command("receive")
@click.option("--recipient", default=None, help="The address it was sent to (else $RECIPIENT).")
@click.option("--sender", default=None, help="The envelope sender (else $SENDER, Return-Path).")
def receive_command(recipient: str | None, sender: str | None) -> None:
    """Read one message from standard input; exit 0 taken, 75 try again, 65/67 refused."""
    # Reading a reply (inscriptis, mail-parser-reply, aiosmtpd) is loaded by these commands
    # alone, not by the web processes and the sender.
    from app.inbound.delivery import deliver

    # One byte past the limit is enough for deliver to refuse it as too big.
    raw = sys.stdin.buffer.read(current_app.config["INBOUND_MAX_BYTES"] + 1)
    sender = sender if sender is not None else os.environ.get("SENDER")
    answer = deliver(raw, recipient or recipient_of(raw), sender)
    click.echo(answer.reply, err=True)
    sys.exit(answer.exit_code)


def recipient_of(raw: bytes) -> str:
    """Where a piped message was sent: what the MTA says, else its headers' reply address."""
    for name in ("ORIGINAL_RECIPIENT", "RECIPIENT"):
        if os.environ.get(name):
            return os.environ[name]
    message = IncomingMail.parse(raw).message
    domain = current_app.config.get("REPLY_DOMAIN", "")
    for name in ("Delivered-To", "X-Original-To", "To", "Cc"):
        values = [read_header(message, name) or ""]
        for _name, address in getaddresses(values):
            if domain and address.lower().endswith("@" + domain):
                return address
    return ""


@mail.command("lmtp")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8024, show_default=True)
@click.option(
    "--if-configured",
    is_flag=True,
    help="Without REPLY_DOMAIN, wait quietly instead of listening (for the Procfile).",
)
def lmtp_command(host: str, port: int, if_configured: bool) -> None:
    """Serve LMTP for REPLY_DOMAIN: answers 250, 550 (unknown, expired), 451, 552."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s inbound %(message)s")
    # aiosmtpd tells every command line at INFO, reply addresses included: its warnings suffice.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    if not current_app.config.get("REPLY_DOMAIN"):
        if not if_configured:
            raise click.ClickException("REPLY_DOMAIN is not set: notices take no replies.")
        click.echo("REPLY_DOMAIN is not set: replies by email are off, nothing to listen for.")
        stopped.wait()
        return
    from app.inbound.lmtp import LMTPListener  # as deliver above

    listener = LMTPListener(current_app._get_current_object(), host, port)
    listener.start()
    click.echo(f"Taking replies for {current_app.config['REPLY_DOMAIN']} on {host}:{port} (LMTP).")
    stopped.wait()
    listener.stop()
