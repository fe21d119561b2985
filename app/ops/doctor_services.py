"""The checks of `flask doctor` that talk to other servers: database, sender, mail, Redis.

Each opens its own connection with a short timeout rather than the app's, so that a
database or mail server that does not answer costs seconds, not minutes.
"""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import redis
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import Connection, Select, and_, create_engine, func, make_url, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from app.database import utc_now
from app.notifications.heartbeat import SenderHeartbeat
from app.notifications.models import LetterEvent
from app.notifications.transport import Transport, is_stall
from app.ops.findings import Finding, problem, public_site
from app.outbox import DeliveryState, Notice

TIMEOUT_SECONDS = 5
# The sender starts a round every few seconds; minutes without one mean it is not running.
SENDER_LATE = timedelta(minutes=5)
START_SENDER = "start it with `flask notify run` (systemctl enable --now briefwechsel-sender)"
RUN_MIGRATIONS = "run `flask db upgrade` (after `flask backup`)"


class NoDatabaseFile(Exception):
    """The SQLite file does not exist (connecting would create an empty one)."""


@contextmanager
def bounded_connection() -> Iterator[Connection]:
    """A connection of its own to the app's database, given up after a few seconds."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        if url.database and not Path(url.database).exists():
            raise NoDatabaseFile(f"no database file at {url.database}")
        options = {"timeout": TIMEOUT_SECONDS}
    else:
        options = {"connect_timeout": TIMEOUT_SECONDS}
    engine = create_engine(url, connect_args=options, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def shown_database() -> str:
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).render_as_string()


def first_line(error: BaseException) -> str:
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def check_database() -> Finding:
    """The database answers and has every migration of this code."""
    try:
        with bounded_connection() as connection:
            connection.execute(select(1))
            current = set(MigrationContext.configure(connection).get_current_heads())
    except NoDatabaseFile as error:
        return problem("database", str(error), "run `flask db upgrade` (it creates the file)")
    except SQLAlchemyError as error:
        return problem(
            "database",
            f"{shown_database()} does not answer: {first_line(error)}",
            "check DATABASE_URL, and that the database server runs and lets this machine in",
        )
    config = current_app.extensions["migrate"].migrate.get_config()
    heads = set(ScriptDirectory.from_config(config).get_heads())
    if current == heads:
        return Finding(
            "database", True, f"{shown_database()} answers, migrated to {', '.join(heads)}"
        )
    if not current:
        return problem(
            "database", f"{shown_database()} answers but has no migrations yet", RUN_MIGRATIONS
        )
    return problem(
        "database",
        f"{shown_database()} is at migration {', '.join(sorted(current))}, this code needs "
        f"{', '.join(sorted(heads))}",
        RUN_MIGRATIONS,
    )


def check_sender() -> Finding:
    """A sender started a round in the last minutes, or is busy with a long batch."""
    now = utc_now()
    try:
        with bounded_connection() as connection:
            latest = connection.execute(
                select(SenderHeartbeat.host, SenderHeartbeat.beat_at)
                .order_by(SenderHeartbeat.beat_at.desc())
                .limit(1)
            ).first()
            claimed, due = connection.execute(outbox_at(now)).one()
            to_announce = connection.scalar(
                select(func.count()).where(LetterEvent.fanned_out_at.is_(None))
            )
    except (NoDatabaseFile, SQLAlchemyError) as error:
        return problem("sender", f"cannot tell: {first_line(error)}", "see the database line")
    waiting = f"in the outbox: emails due {due or 0}, letters to announce {to_announce}"
    if latest is None:
        return problem("sender", f"no sender has run yet; {waiting}", START_SENDER)
    when = f"{how_long(now - latest.beat_at)} ago on {latest.host}"
    if now - latest.beat_at <= SENDER_LATE:
        return Finding("sender", True, f"last round started {when}")
    if claimed:
        return Finding(
            "sender", True, f"sending a long batch (emails claimed: {claimed}); started {when}"
        )
    return problem("sender", f"the last round started {when}; {waiting}", START_SENDER)


def outbox_at(now: datetime) -> Select[tuple[int, int]]:
    """Emails a sender holds a live claim on, and emails due and waiting for one."""
    claimed = and_(Notice.state == DeliveryState.SENDING, Notice.claimed_until > now)
    due = and_(Notice.state == DeliveryState.PENDING, Notice.next_attempt_at <= now)
    return select(func.count().filter(claimed), func.count().filter(due)).where(or_(claimed, due))


def how_long(span: timedelta) -> str:
    seconds = max(int(span.total_seconds()), 0)
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 2 * 3600:
        return f"{seconds // 60} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"


def check_mail_server() -> Finding:
    """The mail server takes a connection and answers EHLO (with STARTTLS and login as set)."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        if public_site():
            return problem(
                "mail server",
                "no MAIL_SERVER: every email stays in the development mailbox (/dev/mailbox), "
                "so nobody gets notices, invitations or password resets",
                "set MAIL_SERVER, MAIL_PORT, MAIL_USERNAME, MAIL_PASSWORD and MAIL_USE_TLS",
            )
        return Finding("mail server", True, "none set: emails go to /dev/mailbox")
    where = f"{config['MAIL_SERVER']}:{config.get('MAIL_PORT') or 25}"
    timeout = min(float(config.get("SMTP_TIMEOUT_SECONDS") or 30), TIMEOUT_SECONDS)
    try:
        greeting = greet_mail_server(timeout)
    except smtplib.SMTPAuthenticationError as error:
        return problem(
            "mail server", f"{where} refused the login: {error.smtp_code}",
            "check MAIL_USERNAME and MAIL_PASSWORD",
        )  # fmt: skip
    except smtplib.SMTPNotSupportedError:
        return problem(
            "mail server", f"{where} does not offer STARTTLS",
            "turn MAIL_USE_TLS off, or use the server's submission port (587)",
        )  # fmt: skip
    except (smtplib.SMTPException, OSError) as error:
        reason = f"no answer within {timeout:g} s" if is_stall(error) else error
        return problem(
            "mail server", f"{where} does not answer: {reason}",
            "check MAIL_SERVER, MAIL_PORT, MAIL_USE_TLS and MAIL_USE_SSL, and the firewall",
        )  # fmt: skip
    return Finding("mail server", True, f"{where} answers: {greeting}")


def greet_mail_server(timeout: float) -> str:
    """Connect as the sender does (STARTTLS and login as set), EHLO, QUIT; the EHLO answer."""
    smtp = Transport().open_connection(timeout)
    try:
        code, answer = smtp.ehlo()
        if code != 250:
            raise smtplib.SMTPHeloError(code, answer)
        smtp.quit()
    finally:
        smtp.close()
    return answer.decode("utf-8", "replace").splitlines()[0]


def check_redis() -> Finding:
    """Redis answers when REDIS_URL names it (rate limits are counted there)."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return Finding(
            "redis",
            True,
            "not set: each web process counts rate limits alone "
            "(set REDIS_URL when several processes serve the site)",
        )
    parts = urlsplit(url)
    where = f"{parts.hostname}:{parts.port or 6379}"
    try:
        client = redis.Redis.from_url(
            url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS
        )
        try:
            client.ping()
        finally:
            client.close()
    except (redis.RedisError, ValueError) as error:
        return problem(
            "redis",
            f"REDIS_URL is set but Redis at {where} does not answer: {error}",
            "start Redis or correct REDIS_URL: the sign-in and subscribe limits are counted there",
        )
    return Finding("redis", True, f"answers at {where}")
