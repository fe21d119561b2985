"""Mail written by a machine (vacation notices, list traffic, bounces): never a letter, never
answered, so that no loop between two robots can start."""

from __future__ import annotations

from app.inbound.message import IncomingMail, read_header

# RFC 3834's Auto-Submitted, and the headers common autoresponders add instead.
AUTORESPONDER_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Autoresponder")
BULK_PRECEDENCE = frozenset({"bulk", "junk", "list", "auto_reply"})
# How vacation notices begin their subject, in English and German (mail clients and servers
# put these before the subject they answer).
VACATION_SUBJECTS = (
    "out of office",
    "out-of-office",
    "automatic reply",
    "auto reply",
    "autoreply",
    "auto-reply",
    "vacation",
    "away from the office",
    "abwesenheitsnotiz",
    "abwesenheit",
    "automatische antwort",
    "automatische abwesenheitsnachricht",
    "nicht im büro",
    "urlaubsantwort",
)
REPLY_PREFIXES = ("re:", "aw:", "antw:", "wg:", "fwd:", "fw:")


def is_automatic(mail: IncomingMail) -> bool:
    """Whether a machine wrote this message, by its headers, subject or empty return path."""
    if mail.envelope_sender is not None and mail.envelope_sender.strip() in ("", "<>"):
        return True
    auto_submitted = header_value(mail, "Auto-Submitted")
    if auto_submitted and auto_submitted != "no":
        return True
    if any(read_header(mail.message, name) is not None for name in AUTORESPONDER_HEADERS):
        return True
    if header_value(mail, "Precedence") in BULK_PRECEDENCE:
        return True
    return looks_like_vacation_notice(mail.subject)


def header_value(mail: IncomingMail, name: str) -> str:
    """The keyword a header starts with, lower-case ("auto-replied; ..." gives "auto-replied")."""
    value = read_header(mail.message, name) or ""
    for stop in (";", "("):
        value = value.partition(stop)[0]
    return value.strip().lower()


def looks_like_vacation_notice(subject: str) -> bool:
    text = " ".join(subject.lower().split())
    while text.startswith(REPLY_PREFIXES):
        text = text.partition(":")[2].strip()
    return text.startswith(VACATION_SUBJECTS)
