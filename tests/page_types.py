"""The path of every page type on the demo correspondences, for the page checkers.

The HTML checker (tests/pages) and the accessibility checks in Chromium (tests/browser) visit
the same pages: the demo letters, a withdrawn and an edited one, subscriptions in every state,
a message in the development mailbox, and the pages only a signed-in colleague sees.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from app.accounts.invitations import INVITE, send_invitation
from app.accounts.service import user_by_email
from app.accounts.tokens import make_token
from app.database import utc_now
from app.extensions import db
from app.letters.models import Language
from app.letters.queries import letter_by_slug
from app.letters.related import OutsideLink, RelatedInput
from app.letters.service import LetterDraft, save_letter, withdraw_letter
from app.links.service import tag_names
from app.notifications.models import MailboxMessage
from app.notifications.sender import run_once
from app.outbox import Notice, NoticeKind
from app.signatures.models import Signature
from app.signatures.service import (
    Signer,
    confirm_token,
    request_signature,
    sign_as_colleague,
    withdraw_token,
)
from app.subscriptions.models import Frequency, Subscription, Target
from app.subscriptions.service import request_subscription
from app.subscriptions.tokens import CONFIRM, manage_token, unsubscribe_token
from app.webmentions.models import MentionKind, MentionStatus, ReceivedWebmention, url_key

CHECKERS = Path(__file__).resolve().parent / "pages" / "node_modules"
VNU_JAR = CHECKERS / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = CHECKERS / "axe-core" / "axe.min.js"
WIKI = "https://wiki.example.org/decisions"
PANEL = "https://example.org/panel"
VNU_MISSING = "needs Java and vnu-jar (npm ci --prefix tests/pages); `make test` installs them"
AXE_MISSING = "needs axe-core (npm ci --prefix tests/pages); `make test` installs it"


def vnu_available() -> bool:
    return VNU_JAR.exists() and shutil.which("java") is not None


def vnu_errors(files: list[Path]) -> list[str]:
    """What the Nu Html Checker calls an error in these files, one "file:line: message" each."""
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always",
         *map(str, files)],
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [
        f"{m['url'].rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]


@dataclass
class PageSet:
    """Paths of every page type, and who must be signed in to see each."""

    anonymous: dict[str, str]
    signed_in: dict[str, str]


def add_subscription(email: str, target: Target, target_id: int, confirmed: bool) -> Subscription:
    subscription = Subscription(
        email=email,
        target=target,
        target_id=target_id,
        frequency=Frequency.INSTANT,
        confirmed_at=utc_now() if confirmed else None,
    )
    db.session.add(subscription)
    db.session.commit()
    return subscription


def revise_with_outside_links(slug: str) -> None:
    """Edit a published letter: it gets an "updated on" line, a history, and outside links."""
    letter = letter_by_slug(slug)
    draft = LetterDraft(
        title=letter.title,
        salutation=letter.salutation,
        body=f"{letter.body}\n\nThe notes are [in the wiki]({WIKI}).",
        closing=letter.closing,
        signature=letter.signature,
        postscript=letter.postscript,
        language=Language(letter.language),
        addressee=letter.addressee,
        addressee_name=letter.addressee_name,
        tags=tag_names(letter),
        related=RelatedInput(outside=[OutsideLink(PANEL, "Panel at re:publica")]),
    )
    save_letter(letter.author, draft, publish=True, letter=letter)
    db.session.commit()


def add_outside_answers(slug: str) -> None:
    """Answers from other sites as the sender keeps them: one shown, a like, one waiting."""
    letter_id = letter_by_slug(slug).id
    now = utc_now()
    for number, (kind, status) in enumerate(
        [("reply", "shown"), ("like", "shown"), ("mention", "shown"), ("reply", "waiting")]
    ):
        source = f"https://elsewhere.example/notes/{number}"
        db.session.add(ReceivedWebmention(
            pair_key=url_key(source, slug), source=source, target=slug, letter_id=letter_id,
            domain="elsewhere.example" if status == "shown" else "new.example",
            status=MentionStatus(status), kind=MentionKind(kind), author_name="Ada Lovelace",
            author_url="https://elsewhere.example/", title=f"Notes on writing, part {number}",
            content_html="<p>I write things down <em>too</em>.</p>", published_at=now,
            verified_at=now,
        ))  # fmt: skip
    db.session.commit()


def sign_a_letter(slug: str) -> tuple[str, str]:
    """A colleague, a named reader and an unnamed one sign; one reader waits to confirm.

    Returns the tokens of the pending signature's confirmation and withdrawal links.
    """
    letter = letter_by_slug(slug)
    sign_as_colleague(letter, user_by_email("svenja@example.org"), True, False)
    for number, named in ((1, True), (2, False), (3, True)):
        signer = Signer(f"Reader {number}", "Guild of Letters", f"signer{number}@example.org",
                        named, told_of_answers=False, locale="en")  # fmt: skip
        request_signature(letter, signer)
    db.session.flush()
    pending = []
    for signature in db.session.scalars(select(Signature).where(Signature.user_id.is_(None))):
        if signature.email == "signer3@example.org":
            pending = [confirm_token(signature), withdraw_token(signature)]
        else:
            signature.confirmed_at = utc_now()
    db.session.commit()
    return pending[0], pending[1]


def every_page_type() -> PageSet:
    """Withdraw a demo letter, edit one, subscribe readers; the paths to visit."""
    sven = user_by_email("sven@example.org")
    subscription = add_subscription("reader@example.org", Target.AUTHOR, sven.id, True)
    unconfirmed = add_subscription("new@example.org", Target.TAG, 1, False)
    request_subscription("mail@example.org", Target.SITE, 0, Frequency.INSTANT, "de")
    db.session.commit()
    run_once()  # the confirmation goes to the development mailbox
    kept = db.session.scalars(select(MailboxMessage.id)).first()
    invited = send_invitation("newcomer@example.org", sven, "Welcome aboard!\nSee you on Monday.")
    db.session.commit()
    invitation = make_token(INVITE, {"invitation": invited.invitation.id})
    withdraw_letter(letter_by_slug("three-reviews-later"))
    db.session.commit()
    revise_with_outside_links("on-writing-things-down")
    add_outside_answers("on-writing-things-down")
    notice = Notice(
        recipient="reader@example.org",
        kind=NoticeKind.SUBSCRIPTION,
        subscription_id=subscription.id,
    )
    confirm = make_token(CONFIRM, {"s": unconfirmed.id, "e": unconfirmed.email})
    confirm_signature, withdraw_signature = sign_a_letter("on-writing-things-down")
    pages = PageSet(
        anonymous={
            "front": "/",
            "letter": "/letters/on-writing-things-down",
            "letter-de": "/letters/warum-wir-wieder-briefe-schreiben-sollten",
            "thread": "/threads/on-writing-things-down",
            "author": f"/@{sven.handle}",
            "tag": "/tags/design",
            "tags": "/tags",
            "people": "/people",
            "search": "/search?q=decisions",
            "search-empty": "/search?q=%22",
            "search-blank": "/search",
            "login": "/auth/login",
            "reset": "/auth/reset",
            "subscribe": "/subscribe",
            "manage": f"/subscriptions/{manage_token('reader@example.org')}",
            "address-data": f"/subscriptions/{manage_token('reader@example.org')}/data",
            "unsubscribe": f"/unsubscribe/{unsubscribe_token(notice)}",
            "confirm-subscription": f"/subscribe/confirm/{confirm}",
            "not-found": "/letters/does-not-exist",
            "withdrawn": "/letters/three-reviews-later",
            "history": "/letters/on-writing-things-down/history",
            "invitation": f"/auth/invite/{invitation}",
            "sign": "/letters/on-writing-things-down/sign",
            "signatures": "/letters/on-writing-things-down/signatures",
            "confirm-signature": f"/signatures/confirm/{confirm_signature}",
            "withdraw-signature": f"/signatures/withdraw/{withdraw_signature}",
        },
        signed_in={
            "own-letter": "/letters/warum-wir-wieder-briefe-schreiben-sollten",
            "thread-signed-in": "/threads/warum-wir-wieder-briefe-schreiben-sollten",
            "write": "/letters/new?to=svenja",
            "reply": "/letters/on-writing-things-down/reply",
            "letter-to-sign": "/letters/on-writing-things-down",
            "sign-in-one-click": "/letters/on-writing-things-down/sign",
            "signatures-for-admins": "/letters/on-writing-things-down/signatures",
            "edit": "/letters/warum-wir-wieder-briefe-schreiben-sollten/edit",
            "settings": "/settings",
            "notice-settings": "/settings/notifications",
            "delete-account": "/settings/delete",
            "admin": "/admin",
            "admin-people": "/admin/people",
            "deliveries": "/admin/deliveries",
            "mailbox": "/dev/mailbox",
            "mailbox-message": f"/dev/mailbox/{kept}",
        },
    )
    # Outside a request SQLite transactions take the write lock: release it for the server.
    db.session.remove()
    return pages
