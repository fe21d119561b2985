"""The email that confirms a reader's signature and carries the link to withdraw it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.letters.models import Letter
from app.mail import compose_email, queue_email, queued_in_the_last_day
from app.outbox import NoticeKind
from app.signatures.models import Signature
from app.web import absolute_url


def confirmations_sent_today(email: str) -> int:
    """Signature confirmations queued for the address in the last 24 hours."""
    return queued_in_the_last_day(email, NoticeKind.SIGNATURE_CONFIRM)


def queue_signature_confirmation(
    signature: Signature, letter: Letter, confirm_token: str, withdraw_token: str, already: bool
) -> None:
    """In the signer's language; `already`: the address has signed, the mail says so."""
    author = letter.author.display_name
    message = compose_email(
        "signature_confirm",
        signature.email,
        subject=_l("Your signature under “%(title)s”")
        if already
        else _l("Please confirm your signature under “%(title)s”"),
        subject_values={"title": letter.title},
        locale=signature.locale,
        signature=signature,
        title=letter.title,
        author=author,
        already=already,
        letter_url=absolute_url("letters.show", slug=letter.slug),
        confirm_url=absolute_url("signatures.confirm", token=confirm_token),
        withdraw_url=absolute_url("signatures.withdraw", token=withdraw_token),
    )
    queue_email(message, signature.locale, NoticeKind.SIGNATURE_CONFIRM)
