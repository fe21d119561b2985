"""Command-line tools: `flask users …`, `flask search reindex`, `flask import wordpress`,
`flask demo`, `flask banner`; each commits once."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from app.accounts import service as accounts
from app.accounts.invitations import send_invitation
from app.discovery.search_index import rebuild_search_index
from app.extensions import db
from app.importing.cli import importing
from app.portability.deletion import DeletionRefused, LetterChoice, delete_account

users = AppGroup("users", help="Manage colleague accounts.")


def read_password() -> str:
    """From a prompt on a terminal; from the first line of standard input in scripts."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@users.command("create")
@click.argument("email")
@click.option("--name", required=True, help="Display name, e.g. 'Svenja Hartmann'.")
@click.option("--handle", default=None, help="Profile address /@handle (default: from name).")
@click.option("--admin", is_flag=True, help="Give the account admin rights.")
def create_user_command(email: str, name: str, handle: str | None, admin: bool) -> None:
    """Create a confirmed colleague account."""
    try:
        user = accounts.create_user(email, name, read_password(), is_admin=admin, handle=handle)
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created @{user.handle} <{user.email}>{' (admin)' if admin else ''}.")


@users.command("invite")
@click.argument("email")
@click.option("--note", default="", help="A personal note shown in the email.")
def invite_user_command(email: str, note: str) -> None:
    """Email an invitation link (valid for 7 days); a pending invitation is sent again."""
    try:
        invited = send_invitation(email, inviter=None, note=note)
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    address = invited.invitation.email
    if invited.again:
        click.echo(f"{address} was invited already: the invitation was sent again.")
    else:
        click.echo(f"Invitation sent to {address}.")


@users.command("delete")
@click.argument("email")
@click.option(
    "--letters",
    type=click.Choice([choice.value for choice in LetterChoice]),
    required=True,
    help="keep: published letters stay, by 'a former colleague'; withdraw: they are taken back.",
)
@click.confirmation_option(prompt="Delete this account for good?")
def delete_user_command(email: str, letters: str) -> None:
    """Delete a colleague's account, as they can on their settings page (a request by mail)."""
    user = accounts.user_by_email(email)
    if user is None:
        raise click.ClickException(f"No colleague has the address {email}.")
    try:
        delete_account(user, LetterChoice(letters))
    except DeletionRefused as refusal:
        raise click.ClickException(str(refusal)) from refusal
    db.session.commit()
    click.echo(f"Deleted the account of {email}; its published letters: {letters}.")


search = AppGroup("search", help="Look after the search index.")


@search.command("reindex")
def reindex_command() -> None:
    """Build the embedded default's search index anew (after a stemmer upgrade, say)."""
    if db.engine.dialect.name != "sqlite":
        click.echo("PostgreSQL keeps its search index by itself: nothing to do.")
        return
    count = rebuild_search_index(db.session.connection())
    db.session.commit()
    click.echo(f"Search index rebuilt: {count} published letters.")


@click.command("demo")
def demo_command() -> None:
    """Load the demo colleagues and correspondences (safe to run again)."""
    from app.demo import load_demo_data

    created = load_demo_data()
    click.echo("Demo data loaded." if created else "Demo data present already.")


@click.command("banner")
@click.option("--url", default="http://127.0.0.1:5000")
def banner_command(url: str) -> None:
    """Print where the site runs and the demo logins."""
    from app.demo import DEMO_PASSWORD, DEMO_PEOPLE

    click.echo(f"\n  Briefwechsel is starting at {url}\n")
    click.echo(f"  Demo logins (password for all: {DEMO_PASSWORD}):")
    for person in DEMO_PEOPLE:
        admin = "  (admin: /admin, /dev/mailbox)" if person["is_admin"] else ""
        click.echo(f"    {person['email']}{admin}")
    click.echo("")


def init_commands(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(search)
    app.cli.add_command(importing)
    app.cli.add_command(demo_command)
    app.cli.add_command(banner_command)
