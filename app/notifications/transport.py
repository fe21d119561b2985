"""Getting finished messages out: one SMTP connection per batch, or the development mailbox."""

from __future__ import annotations

import smtplib
import ssl
from email import message_from_bytes
from email.policy import SMTP as SMTP_POLICY
from types import TracebackType

from flask import current_app

from app.extensions import db
from app.notifications.models import MailboxMessage

SMTP_TIMEOUT_SECONDS = 30
# "Service not available, closing transmission channel": smtplib has hung up already, and
# the transport must not hand the next message to that closed connection.
CLOSING = 421


class PermanentDeliveryError(Exception):
    """The mail server refused the message for good (5xx): retrying will not help."""


class ServerUnreachable(Exception):
    """No connection to the mail server: the whole batch waits for the next try."""


class ServerStalled(ServerUnreachable):
    """The server took the connection, then stopped answering: not tried again this run."""


class Transport:
    """Opens the SMTP connection on first use and keeps it for the whole batch."""

    def __init__(self) -> None:
        self.config = current_app.config
        self.smtp: smtplib.SMTP | None = None
        # Set once the server could not be reached or stalled: the rest waits for a later run.
        self.gave_up = False

    @property
    def uses_mailbox(self) -> bool:
        return not self.config.get("MAIL_SERVER")

    def __enter__(self) -> Transport:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def connect(self) -> smtplib.SMTP:
        if self.smtp is not None:
            return self.smtp
        try:
            self.smtp = self.open_connection()
        except (smtplib.SMTPException, OSError) as error:
            self.gave_up = True
            if is_stall(error):
                raise ServerStalled(f"no answer within {self.timeout} s") from error
            raise ServerUnreachable(f"{type(error).__name__}: {error}") from error
        return self.smtp

    @property
    def timeout(self) -> float:
        return float(self.config.get("SMTP_TIMEOUT_SECONDS") or SMTP_TIMEOUT_SECONDS)

    def open_connection(self, timeout: float | None = None) -> smtplib.SMTP:
        """Connect, with STARTTLS and login as set; a step that fails closes the socket."""
        server, port = self.config["MAIL_SERVER"], int(self.config.get("MAIL_PORT") or 25)
        timeout = timeout or self.timeout
        if self.config.get("MAIL_USE_SSL"):
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                server, port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(server, port, timeout=timeout)
        try:
            if self.config.get("MAIL_USE_TLS") and not self.config.get("MAIL_USE_SSL"):
                smtp.starttls(context=ssl.create_default_context())
            if self.config.get("MAIL_USERNAME") and self.config.get("MAIL_PASSWORD"):
                smtp.login(self.config["MAIL_USERNAME"], self.config["MAIL_PASSWORD"])
        except BaseException:
            smtp.close()
            raise
        return smtp

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
            self.smtp = None

    def send(self, envelope_from: str, recipient: str, raw: bytes) -> None:
        """Hand one message to the server (or the mailbox); raises on failure."""
        if self.uses_mailbox:
            keep_in_mailbox(recipient, raw)
            return
        try:
            self.connect().sendmail(envelope_from, [recipient], raw)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            if CLOSING in codes:
                self.close()  # the next message opens a new connection
            if codes and all(500 <= code < 600 for code in codes):
                raise PermanentDeliveryError(str(error.recipients)) from error
            raise
        except smtplib.SMTPResponseException as error:
            if 500 <= error.smtp_code < 600 and error.smtp_code not in (552,):
                raise PermanentDeliveryError(f"{error.smtp_code} {error.smtp_error!r}") from error
            self.close()
            raise
        except (smtplib.SMTPException, OSError) as error:
            self.close()  # a broken connection is reopened for the next message
            if is_stall(error):
                self.gave_up = True
                raise ServerStalled(f"no answer within {self.timeout} s") from error
            raise


def is_stall(error: BaseException) -> bool:
    """A timeout, which smtplib reports as a disconnection caused by it."""
    return isinstance(error, TimeoutError) or isinstance(error.__context__, TimeoutError)


def keep_in_mailbox(recipient: str, raw: bytes) -> None:
    """Store a message for /dev/mailbox (used when no MAIL_SERVER is configured)."""
    parsed = message_from_bytes(raw, policy=SMTP_POLICY)
    subject = str(parsed.get("Subject", ""))[:400]
    db.session.add(MailboxMessage(recipient=recipient, subject=subject, raw=raw))
