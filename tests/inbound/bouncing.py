"""Delivery reports as mail servers write them, sent back to a notice's return path.

Each is of our own making, after the formats the servers document: a Postfix DSN in English,
an Exchange (Outlook) DSN in German, a GMX-style delay warning in German, a Gmail DSN, an
Exim bounce without a DSN part and a qmail one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from tests.mailserver import ReceivedMail


def original_headers(notice: ReceivedMail) -> str:
    """The headers of the notice, as reports quote them (text/rfc822-headers)."""
    head = notice.raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    return head.decode("utf-8", "replace")


def delivery_report(
    notice: ReceivedMail,
    *,
    human: str,
    action: str,
    status: str,
    diagnostic: str,
    subject: str = "Undelivered Mail Returned to Sender",
    reporting_mta: str = "mx.example.org",
    final_recipient: str | None = None,
    message_id: str | None = None,
) -> bytes:
    """A multipart/report (RFC 3464) about the notice, to its return path, as raw bytes."""
    recipient = final_recipient or notice.recipients[0]
    now = format_datetime(datetime.now(UTC))
    headers = {
        "From": f"Mail Delivery System <MAILER-DAEMON@{reporting_mta}>",
        "To": notice.sender,
        "Subject": subject,
        "Date": now,
        "Message-ID": message_id or make_msgid(domain=reporting_mta),
        "Auto-Submitted": "auto-replied",
        "MIME-Version": "1.0",
        "Content-Type": 'multipart/report; report-type=delivery-status; boundary="REPORT"',
    }
    head = "".join(policy.SMTP.fold(name, value) for name, value in headers.items())
    body = (
        "--REPORT\n"
        "Content-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: 8bit\n\n"
        f"{human}\n"
        "--REPORT\n"
        "Content-Type: message/delivery-status\n\n"
        f"Reporting-MTA: dns; {reporting_mta}\n"
        f"Arrival-Date: {now}\n\n"
        f"Final-Recipient: rfc822; {recipient}\n"
        f"Original-Recipient: rfc822;{recipient}\n"
        f"Action: {action}\n"
        f"Status: {status}\n"
        f"Diagnostic-Code: smtp; {diagnostic}\n\n"
        "--REPORT\n"
        "Content-Type: text/rfc822-headers\n\n"
        f"{original_headers(notice)}\n\n"
        "--REPORT--\n"
    )
    return (head + "\r\n").encode() + body.encode()


def postfix_user_unknown(notice: ReceivedMail) -> bytes:
    return delivery_report(
        notice,
        human=(
            "This is the mail system at host mx.example.org.\n\n"
            "I'm sorry to have to inform you that your message could not\n"
            "be delivered to one or more recipients. It's attached below.\n\n"
            f"<{notice.recipients[0]}>: host mail.example.org[192.0.2.7] said: 550 5.1.1\n"
            "    User unknown in virtual mailbox table (in reply to RCPT TO command)\n"
        ),
        action="failed",
        status="5.1.1",
        diagnostic=f"550 5.1.1 <{notice.recipients[0]}>: User unknown in virtual mailbox table",
    )


def exchange_recipient_not_found_de(notice: ReceivedMail) -> bytes:
    """Outlook / Exchange Online in German: "Unzustellbar"."""
    return delivery_report(
        notice,
        human=(
            "Ihre Nachricht konnte nicht übermittelt werden.\n\n"
            "Die Zustellung an folgende Empfänger oder Gruppen ist fehlgeschlagen:\n\n"
            f"{notice.recipients[0]}\n"
            "Die E-Mail-Adresse, die Sie eingegeben haben, wurde nicht gefunden.\n\n"
            "Diagnoseinformationen für Administratoren:\n"
            "Generierender Server: AM0PR01MB1234.eurprd01.prod.exchangelabs.com\n"
            "Remoteserver hat '550 5.1.10 RESOLVER.ADR.RecipientNotFound' zurückgegeben\n"
        ),
        subject="Unzustellbar: " + str(notice.message["Subject"]),
        action="failed",
        status="5.1.10",
        diagnostic="550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found",
        reporting_mta="AM0PR01MB1234.eurprd01.prod.exchangelabs.com",
    )


def mailbox_full_de(notice: ReceivedMail, *, message_id: str | None = None) -> bytes:
    """A German provider giving up on a full mailbox with a temporary status."""
    return delivery_report(
        notice,
        human=(
            "Dies ist eine automatisch erstellte Nachricht.\n\n"
            "Ihre Nachricht konnte nicht zugestellt werden, weil das Postfach des\n"
            "Empfängers voll ist:\n\n"
            f"  {notice.recipients[0]}\n"
            "    452 4.2.2 Postfach voll\n"
        ),
        subject="Benachrichtigung zum Zustellstatus (Fehlgeschlagen)",
        action="failed",
        status="4.2.2",
        diagnostic="452 4.2.2 Mailbox full / Postfach voll",
        reporting_mta="mout.example.de",
        message_id=message_id,
    )


def delayed_warning_de(notice: ReceivedMail) -> bytes:
    return delivery_report(
        notice,
        human=(
            "Warnung: Ihre Nachricht wurde noch nicht zugestellt.\n"
            "Es wird weiter versucht, sie zuzustellen. Sie müssen nichts tun.\n"
        ),
        subject="Warnung: Nachricht noch nicht zugestellt",
        action="delayed",
        status="4.4.1",
        diagnostic="421 4.4.1 Connection timed out",
        reporting_mta="mout.example.de",
    )


def gmail_delivered(notice: ReceivedMail) -> bytes:
    """A report that says the message arrived (a client asked for a receipt): no bounce."""
    return delivery_report(
        notice,
        human="Your message was delivered to the recipient.\n",
        subject="Delivery Status Notification (Success)",
        action="delivered",
        status="2.0.0",
        diagnostic="250 2.0.0 OK",
        reporting_mta="mail-sor-f41.google.com",
    )


def exim_bounce(notice: ReceivedMail) -> bytes:
    """Exim's own format: no DSN part, the address in X-Failed-Recipients."""
    bounce = EmailMessage()
    bounce["From"] = "Mail Delivery System <Mailer-Daemon@mail.example.net>"
    bounce["To"] = notice.sender
    bounce["Subject"] = "Mail delivery failed: returning message to sender"
    bounce["Message-ID"] = make_msgid(domain="mail.example.net")
    bounce["X-Failed-Recipients"] = notice.recipients[0]
    bounce["Auto-Submitted"] = "auto-replied"
    bounce.set_content(
        "This message was created automatically by mail delivery software.\n\n"
        "A message that you sent could not be delivered to one or more of its\n"
        "recipients. This is a permanent error. The following address(es) failed:\n\n"
        f"  {notice.recipients[0]}\n"
        f"    SMTP error from remote mail server after RCPT TO:<{notice.recipients[0]}>:\n"
        "    host mx.example.net [192.0.2.9]: 550 5.1.1 No such user here\n\n"
        "------ This is a copy of the message, including all the headers. ------\n\n"
        + original_headers(notice)
    )
    return bounce.as_bytes()


def vacation_notice(notice: ReceivedMail) -> bytes:
    """An autoresponder that answers the return path: no report of any failure."""
    reply = EmailMessage()
    reply["From"] = notice.recipients[0]
    reply["To"] = notice.sender
    reply["Subject"] = "Abwesenheitsnotiz: " + str(notice.message["Subject"])
    reply["Message-ID"] = make_msgid(domain="example.org")
    reply["Auto-Submitted"] = "auto-replied"
    reply.set_content("Ich bin bis zum 10. nicht im Büro.\n")
    return reply.as_bytes()
