"""Mail coming back to a notice's return path, bounce+<token>@REPLY_DOMAIN.

The token names the notice, so the address it went to is known without trusting what the
report says. A delivery status notification (RFC 3464) is read for its Action and Status;
any other bounce is read by flufl.bounce, the detectors Mailman has grown for the formats of
mail servers in the wild. What is neither (a vacation notice sent to the return path, say)
is dropped and counts for nothing.
"""

from __future__ import annotations

import re
from email.message import Message

from flufl.bounce import all_failures

from app.accounts.tokens import InvalidToken
from app.deliverability import BounceReport, record_bounce
from app.extensions import db
from app.inbound import answers
from app.inbound.answers import Answer
from app.inbound.message import IncomingMail, comparable_address, read_header
from app.notifications.reply_address import read_bounce_token
from app.outbox import Notice

# Actions of a DSN that report a message not (yet) delivered.
FAILED, DELAYED = "failed", "delayed"
# RFC 3463's enhanced status code: class.subject.detail.
STATUS_CODE = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
DIAGNOSTIC_LENGTH = 300


def check_token(token: str) -> Answer | None:
    """A genuine token is taken at RCPT: reports may come days after the notice."""
    try:
        read_bounce_token(token)
    except InvalidToken:
        return answers.UNKNOWN
    return None


def take_bounce(token: str, mail: IncomingMail) -> Answer:
    """Record what the report says about the notice's address; drop what is no report."""
    try:
        notice_id = read_bounce_token(token)
    except InvalidToken:
        return answers.UNKNOWN
    notice = db.session.get(Notice, notice_id)
    if notice is None:
        return answers.NOT_A_BOUNCE  # deleted with its letter since: nothing to learn
    report = read_report(mail.message, notice.recipient)
    if report is None:
        return answers.NOT_A_BOUNCE
    if not record_bounce(notice.recipient, notice.id, report, mail.message_key):
        return answers.BOUNCE_SEEN
    return answers.BOUNCE_TAKEN


def read_report(message: Message, recipient: str) -> BounceReport | None:
    """Hard or soft, with the status and the server's words; None if it reports no failure."""
    fields = delivery_status_fields(message, recipient)
    if fields is not None:
        return report_from_fields(fields)
    return report_from_heuristics(message)


def delivery_status_fields(message: Message, recipient: str) -> Message | None:
    """The per-recipient fields of a DSN for our recipient (or its only failed one).

    None when the message is no DSN or reports no failure of ours.
    """
    blocks = [
        block
        for part in message.walk()
        if part.get_content_type() == "message/delivery-status"
        for block in per_recipient_blocks(part)
    ]
    failing = [block for block in blocks if action_of(block) in (FAILED, DELAYED)]
    wanted = comparable_address(recipient)
    for block in failing:
        if recipient_of(block) == wanted:
            return block
    return failing[0] if len(failing) == 1 else None


def per_recipient_blocks(part: Message) -> list[Message]:
    """The groups of fields after the first (which is about the whole message)."""
    payload = part.get_payload()
    if not isinstance(payload, list):
        return []
    return [block for block in payload[1:] if isinstance(block, Message)]


def action_of(block: Message) -> str:
    return (read_header(block, "Action") or "").strip().lower()


def recipient_of(block: Message) -> str | None:
    """The address in Final-Recipient (or Original-Recipient), after its "rfc822;"."""
    for name in ("Final-Recipient", "Original-Recipient"):
        value = read_header(block, name) or ""
        address = value.partition(";")[2].strip() or value.strip()
        if address and (comparable := comparable_address(address.strip("<>"))):
            return comparable
    return None


def report_from_fields(block: Message) -> BounceReport:
    """The Status decides (5 hard, 4 soft); without one, "failed" is hard."""
    match = STATUS_CODE.search(read_header(block, "Status") or "")
    status = ".".join(match.groups()) if match else ""
    diagnostic = one_line(read_header(block, "Diagnostic-Code") or "")
    diagnostic = diagnostic.partition(";")[2].strip() or diagnostic
    hard = status.startswith("5") if status else action_of(block) == FAILED
    return BounceReport(hard=hard, status=status, diagnostic=diagnostic[:DIAGNOSTIC_LENGTH])


def report_from_heuristics(message: Message) -> BounceReport | None:
    """A bounce in a mail server's own format: flufl.bounce tells permanent from temporary."""
    try:
        temporary, permanent = all_failures(message)
    except Exception:  # noqa: BLE001 — a detector tripping on odd input means "not recognised"
        return None
    if not temporary and not permanent:
        return None
    status, line = status_line(message)
    return BounceReport(hard=bool(permanent), status=status, diagnostic=line)


def status_line(message: Message) -> tuple[str, str]:
    """The first enhanced status code in the report's text, with the line it stands on."""
    for part in message.walk():
        if part.get_content_type() != "text/plain":
            continue
        for line in part_text(part).splitlines():
            if match := STATUS_CODE.search(line):
                return ".".join(match.groups()), one_line(line)[:DIAGNOSTIC_LENGTH]
    return "", ""


def part_text(part: Message) -> str:
    raw = part.get_payload(decode=True)
    if not isinstance(raw, bytes):
        return ""
    try:
        return raw.decode(part.get_content_charset() or "utf-8", "replace")
    except LookupError:  # a charset Python does not know
        return raw.decode("utf-8", "replace")


def one_line(text: str) -> str:
    return " ".join(text.split())
