"""Every route that changes state, with a set-up and a request that succeeds.

Used by tests/test_one_transaction_per_request.py; a new write route must be added here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

import pytest
from flask import current_app
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import select

from app.accounts.access_tokens import create_access_token
from app.accounts.email_links import (
    request_email_change,
    request_password_reset,
    send_confirmation,
)
from app.accounts.invitations import send_invitation
from app.accounts.models import AccessScope, User
from app.accounts.service import set_avatar
from app.accounts.tokens import make_token
from app.deliverability import suspend
from app.extensions import db
from app.letters.models import Letter
from app.letters.queries import letter_by_slug
from app.letters.service import set_hidden, withdraw_letter
from app.mail import parse_raw
from app.outbox import DeliveryState, Notice, NoticeKind
from app.portability.deletion_views import PURPOSE as DELETION
from app.signatures.listing import shown_signatures
from app.signatures.service import Signer, request_signature, sign_as_colleague
from app.subscriptions.models import Frequency, Target
from app.subscriptions.service import request_subscription
from app.subscriptions.suspension import request_address_check
from app.subscriptions.tokens import manage_token, unsubscribe_token
from app.webmentions.models import MentionStatus, ReceivedWebmention, url_key
from tests.support import PASSWORD, SITE_URL, letter_form, sign_in

NEW_PASSWORD = "a new and longer passphrase"


@dataclass
class Request:
    """A request that succeeds, and how it answers."""

    path: str
    data: dict[str, Any] = field(default_factory=dict)
    status: int = 302
    # Where a 302 leads; ending in "*", where it begins (a fresh token follows, signed now).
    location: str | None = None
    method: str = "POST"
    json: Any = None  # a JSON body instead of a form (the API)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Scene:
    """Builds the state a request needs: people, letters, subscriptions, a signed-in client."""

    client: FlaskClient
    make_user: Callable[..., User]
    make_letter: Callable[..., Letter]
    subscribe: Callable[..., Any]

    def signed_in(self, **fields: Any) -> User:
        user = self.make_user(**fields)
        sign_in(self.client, user)
        return user

    def letter(self, author: User, addressee: User | None = None, **fields: Any) -> Letter:
        letter = self.make_letter(author, addressee, **fields)
        db.session.commit()
        return letter


def emailed_link(address: str, path_prefix: str) -> str:
    """The link the newest queued email to the address carries, as a path."""
    notice = db.session.scalars(
        select(Notice).where(Notice.recipient == address).order_by(Notice.id.desc())
    ).first()
    assert notice is not None and notice.raw, f"no email queued for {address}"
    text = parse_raw(notice.raw).get_body(preferencelist=("plain",)).get_content()
    site = re.escape(current_app.config["SITE_URL"])
    match = re.search(site + "(" + re.escape(path_prefix) + r"\S+)", text)
    assert match, f"no {path_prefix} link in the email to {address}"
    return match.group(1)


def png_bytes() -> bytes:
    out = BytesIO()
    Image.new("RGB", (40, 30), "teal").save(out, format="PNG")
    return out.getvalue()


# Accounts: sign-up, invitations, signing in and out, confirmation, reset, settings.


def sign_up(scene: Scene) -> Request:
    return Request("/auth/register", {"email": "newcomer@example.org"}, location="/auth/login")


def sign_up_with_a_taken_address(scene: Scene) -> Request:
    scene.make_user(email="taken@example.org")
    return Request("/auth/register", {"email": "taken@example.org"}, location="/auth/login")


def accept_invitation(scene: Scene) -> Request:
    send_invitation("invited@example.org", None)
    form = {"display_name": "Ina Invited", "handle": "ina"}
    form |= {"password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD}
    return Request(emailed_link("invited@example.org", "/auth/invite/"), form, location="/settings")


def sign_in_through_the_form(scene: Scene) -> Request:
    user = scene.make_user()
    return Request("/auth/login", {"email": user.email, "password": PASSWORD}, location="/")


def sign_out(scene: Scene) -> Request:
    scene.signed_in()
    return Request("/auth/logout", location="/")


def request_a_password_reset(scene: Scene) -> Request:
    user = scene.make_user()
    return Request("/auth/reset", {"email": user.email}, location="/auth/login")


def reset_the_password(scene: Scene) -> Request:
    user = scene.make_user(confirmed=False)
    request_password_reset(user.email)
    link = emailed_link(user.email, "/auth/reset/")
    return Request(link, {"password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD}, location="/")


def resend_the_confirmation(scene: Scene) -> Request:
    scene.signed_in(confirmed=False)
    return Request("/auth/confirm", location="/settings")


def follow_the_confirmation_link(scene: Scene) -> Request:
    user = scene.make_user(confirmed=False)
    send_confirmation(user)
    return Request(emailed_link(user.email, "/auth/confirm/"), method="GET", location="/")


def follow_the_new_address_link(scene: Scene) -> Request:
    user = scene.make_user()
    request_email_change(user, "moved@example.org", PASSWORD)
    return Request(emailed_link("moved@example.org", "/auth/confirm/"), method="GET", location="/")


def change_the_email_address(scene: Scene) -> Request:
    scene.signed_in()
    form = {"email": "moved@example.org", "current_password": PASSWORD}
    return Request("/settings/email", form, location="/settings")


def change_the_password(scene: Scene) -> Request:
    scene.signed_in()
    form = {"current_password": PASSWORD, "password": NEW_PASSWORD}
    return Request(
        "/settings/password", form | {"password_repeat": NEW_PASSWORD}, location="/settings"
    )


def save_the_profile(scene: Scene) -> Request:
    scene.signed_in()
    form = {"display_name": "Renate Renamed", "role_line": "Editor", "bio": "Writes *letters*."}
    form |= {"salutation_name": "Renate", "greeting_de": "Hallo", "default_closing": "Gruß"}
    form |= {"locale": "de", "timezone": "Europe/Vienna"}
    return Request("/settings", form, location="/settings")


def upload_a_picture(scene: Scene) -> Request:
    scene.signed_in()
    form = {"avatar": (BytesIO(png_bytes()), "me.png")}
    return Request("/settings/avatar", form, location="/settings")


def remove_the_picture(scene: Scene) -> Request:
    user = scene.signed_in()
    set_avatar(user, png_bytes())
    db.session.commit()
    return Request("/settings/avatar/remove", location="/settings")


def choose_notices(scene: Scene) -> Request:
    scene.signed_in()
    form = {"letters_to_me": "y"}
    return Request("/settings/notifications", form, location="/settings/notifications")


def choose_a_language(scene: Scene) -> Request:
    scene.signed_in()
    return Request("/language", {"lang": "de", "next": "/"}, location="/")


def make_an_access_token(scene: Scene) -> Request:
    scene.signed_in()
    return Request("/settings/tokens", {"name": "My laptop", "scope": "write"}, status=200)


def revoke_an_access_token(scene: Scene) -> Request:
    token = create_access_token(scene.signed_in(), "Old script", AccessScope.READ).token
    return Request(f"/settings/tokens/{token.id}/revoke", location="/settings")


def ask_to_delete_the_account(scene: Scene) -> Request:
    scene.signed_in()
    form = {"letters": "keep", "current_password": PASSWORD}
    return Request("/settings/delete", form, status=200)


def delete_the_account(scene: Scene) -> Request:
    user = scene.signed_in()
    scene.letter(user, None, title="Kept after me")
    payload = {"user": user.id, "nonce": user.session_nonce, "choice": "keep"}
    return Request("/settings/delete/confirm", {"ticket": make_token(DELETION, payload)},
                   location="/")  # fmt: skip


# Letters: write, save, answer, edit, withdraw, delete.


def publish_a_letter(scene: Scene) -> Request:
    writer = scene.signed_in()
    colleague = scene.make_user(handle="addressee")
    earlier = scene.letter(writer, title="Earlier thoughts")
    form = letter_form(addressee=colleague.handle, addressee_name="", tags="craft, listening")
    form["related"] = f"/letters/{earlier.slug}\nhttps://example.com/talk A talk"
    return Request("/letters/new", form, location="/letters/on-listening")


def save_a_draft(scene: Scene) -> Request:
    scene.signed_in()
    form = letter_form(title="Half a thought", publish="", save="Save draft")
    return Request("/letters/new", form, location="/letters/half-a-thought")


def publish_a_reply(scene: Scene) -> Request:
    writer = scene.signed_in()
    colleague = scene.make_user(handle="addressee")
    parent = scene.letter(colleague, writer, title="A question")
    form = letter_form(addressee="addressee", addressee_name="", title="Re: A question")
    return Request(f"/letters/{parent.slug}/reply", form, location="/letters/re-a-question")


def edit_a_published_letter(scene: Scene) -> Request:
    letter = scene.letter(scene.signed_in(), title="First version")
    form = letter_form(title="First version", body="Changed my mind.")
    return Request(f"/letters/{letter.slug}/edit", form, location=f"/letters/{letter.slug}")


def publish_a_draft(scene: Scene) -> Request:
    letter = scene.letter(scene.signed_in(), title="Ready now", publish=False)
    form = letter_form(title="Ready now")
    return Request(f"/letters/{letter.slug}/edit", form, location="/letters/ready-now")


def publish_a_draft_from_its_page(scene: Scene) -> Request:
    letter = scene.letter(scene.signed_in(), title="Ready as it is", publish=False)
    return Request(f"/letters/{letter.slug}/publish", location=f"/letters/{letter.slug}")


def withdraw_a_letter(scene: Scene) -> Request:
    letter = scene.letter(scene.signed_in(), title="Regrets")
    return Request(f"/letters/{letter.slug}/withdraw", location=f"/threads/{letter.slug}")


def delete_a_draft(scene: Scene) -> Request:
    writer = scene.signed_in()
    letter = scene.letter(writer, title="Never mind", publish=False)
    return Request(f"/letters/{letter.slug}/delete", location=f"/@{writer.handle}")


# The JSON API: a personal access token instead of the session and its form token.


def api_writer(scene: Scene) -> tuple[User, dict[str, str]]:
    writer = scene.make_user(handle="writer")
    secret = create_access_token(writer, "A script", AccessScope.WRITE).secret
    return writer, {"Authorization": f"Bearer {secret}"}


def create_a_draft_through_the_api(scene: Scene) -> Request:
    _writer, token = api_writer(scene)
    scene.make_user(handle="addressee")
    letter = {"title": "By script", "body": "Written elsewhere.", "addressee": "addressee"}
    letter |= {"tags": ["craft"], "related": ["https://example.com/talk A talk"]}
    location = f"{SITE_URL}/api/letters/by-script"
    return Request("/api/letters", json=letter, headers=token, status=201, location=location)


def change_a_letter_through_the_api(scene: Scene) -> Request:
    writer, token = api_writer(scene)
    letter = scene.letter(writer, title="First version")
    changes = {"body": "Changed my mind.", "tags": ["second thoughts"]}
    path = f"/api/letters/{letter.slug}"
    return Request(path, json=changes, headers=token, method="PATCH", status=200)


def publish_a_draft_through_the_api(scene: Scene) -> Request:
    writer, token = api_writer(scene)
    draft = scene.letter(writer, scene.make_user(), title="Ready", publish=False)
    return Request(f"/api/letters/{draft.slug}/publish", headers=token, status=200)


def answer_through_the_api(scene: Scene) -> Request:
    writer, token = api_writer(scene)
    parent = scene.letter(scene.make_user(), writer, title="A question")
    path = f"/api/letters/{parent.slug}/replies"
    location = f"{SITE_URL}/api/letters/re-a-question"
    return Request(path, json={"body": "An answer."}, headers=token, status=201, location=location)


def sign_through_the_api(scene: Scene) -> Request:
    _writer, token = api_writer(scene)
    letter = scene.letter(scene.make_user(), title="An open letter")
    path = f"/api/letters/{letter.slug}/signatures"
    return Request(path, json={"named": True}, headers=token, status=201)


def withdraw_a_signature_through_the_api(scene: Scene) -> Request:
    writer, token = api_writer(scene)
    letter = scene.letter(scene.make_user(), title="An open letter")
    sign_as_colleague(letter, writer, named=True, told_of_answers=False)
    db.session.commit()
    path = f"/api/letters/{letter.slug}/signatures"
    return Request(path, headers=token, method="DELETE", status=204)


# Subscriptions: subscribe, confirm, manage, one-click unsubscribe.

READER = "reader@example.org"


def subscribe_to_the_site(scene: Scene) -> Request:
    form = {"email": READER, "frequency": "daily", "target": "site", "target_id": "0"}
    return Request("/subscribe", form, status=200)


def confirm_a_subscription(scene: Scene) -> Request:
    request_subscription(READER, Target.SITE, 0, Frequency.INSTANT, "en")
    return Request(emailed_link(READER, "/subscribe/confirm/"), status=200)


def manage(scene: Scene, action: str, **fields: Any) -> Request:
    path = f"/subscriptions/{manage_token(READER)}"
    return Request(path, {"action": action, **fields}, location=path)


def change_how_often(scene: Scene) -> Request:
    subscription = scene.subscribe(READER)
    return manage(scene, "frequency", subscription_id=subscription.id, frequency="weekly")


def remove_a_subscription(scene: Scene) -> Request:
    return manage(scene, "remove", subscription_id=scene.subscribe(READER).id)


def remove_every_subscription(scene: Scene) -> Request:
    scene.subscribe(READER)
    scene.subscribe(READER, Target.AUTHOR, scene.make_user().id)
    return manage(scene, "remove_all")


def forget_an_address(scene: Scene) -> Request:
    scene.subscribe(READER)
    suspend(READER, "550 5.1.1 User unknown")
    path = f"/subscriptions/{manage_token(READER)}"
    return Request(f"{path}/forget", location=f"{path}/data")


def ask_to_confirm_a_suspended_address(scene: Scene) -> Request:
    scene.subscribe(READER)
    suspend(READER, "550 5.1.1 User unknown")
    db.session.commit()
    return manage(scene, "confirm_address")


def confirm_a_suspended_address(scene: Scene) -> Request:
    scene.subscribe(READER)
    suspend(READER, "550 5.1.1 User unknown")
    request_address_check(READER, "en")
    db.session.commit()
    path = emailed_link(READER, "/subscriptions/confirm-address/")
    return Request(path, location="/subscriptions/*")


def one_click(notice: Notice) -> Request:
    return Request(
        f"/unsubscribe/{unsubscribe_token(notice)}", {"List-Unsubscribe": "One-Click"}, status=200
    )


def unsubscribe_in_one_click(scene: Scene) -> Request:
    subscription = scene.subscribe(READER)
    kind = NoticeKind.SUBSCRIPTION
    return one_click(Notice(recipient=READER, kind=kind, subscription_id=subscription.id))


def unsubscribe_from_digests(scene: Scene) -> Request:
    scene.subscribe(READER, frequency=Frequency.DAILY)
    return one_click(Notice(recipient=READER, kind=NoticeKind.DIGEST))


def turn_off_a_notice_in_one_click(scene: Scene) -> Request:
    user = scene.make_user()
    kind = NoticeKind.LETTER_TO_YOU
    return one_click(Notice(recipient=user.email, kind=kind, user_id=user.id))


# Signatures: readers and colleagues sign, confirm, withdraw; authors close; admins remove.

SIGNER = "signer@example.org"


def ask_to_sign(scene: Scene, letter: Letter) -> None:
    """A reader's pending signature, its confirmation queued."""
    signer = Signer("Ada Lovelace", "", SIGNER, named=True, told_of_answers=True, locale="en")
    request_signature(letter_by_slug(letter.slug), signer)
    db.session.commit()


def sign_as_a_reader(scene: Scene) -> Request:
    letter = scene.letter(scene.make_user(), title="Sign me")
    form = {"name": "Ada Lovelace", "affiliation": "", "email": SIGNER}
    return Request(f"/letters/{letter.slug}/sign", form, status=200)


def sign_as_a_colleague(scene: Scene) -> Request:
    letter = scene.letter(scene.make_user(), title="Sign me")
    scene.signed_in()
    location = f"/letters/{letter.slug}#signatures"
    return Request(f"/letters/{letter.slug}/sign", {"told_of_answers": "y"}, location=location)


def confirm_a_signature(scene: Scene) -> Request:
    ask_to_sign(scene, scene.letter(scene.make_user(), title="Sign me"))
    return Request(emailed_link(SIGNER, "/signatures/confirm/"), status=200)


def withdraw_a_signature_by_link(scene: Scene) -> Request:
    ask_to_sign(scene, scene.letter(scene.make_user(), title="Sign me"))
    return Request(emailed_link(SIGNER, "/signatures/withdraw/"), status=200)


def withdraw_a_colleagues_signature(scene: Scene) -> Request:
    letter = scene.letter(scene.make_user(), title="Sign me")
    sign_as_colleague(letter_by_slug(letter.slug), scene.signed_in(), True, False)
    location = f"/letters/{letter.slug}#signatures"
    return Request(f"/letters/{letter.slug}/signature/withdraw", location=location)


def close_signing(scene: Scene) -> Request:
    letter = scene.letter(scene.signed_in(), title="Enough signatures")
    location = f"/letters/{letter.slug}#signatures"
    return Request(f"/letters/{letter.slug}/signing", {"action": "close"}, location=location)


def remove_a_signature(scene: Scene) -> Request:
    scene.signed_in(is_admin=True)
    letter = scene.letter(scene.make_user(), title="Sign me")
    sign_as_colleague(letter_by_slug(letter.slug), scene.make_user(), True, False)
    db.session.commit()
    (shown,) = shown_signatures(letter.id)
    return Request(
        f"/letters/{letter.slug}/signatures/{shown.id}/remove",
        location=f"/letters/{letter.slug}/signatures",
    )


# Admin: invitations, hiding letters, retrying deliveries.


def invite_a_colleague(scene: Scene) -> Request:
    scene.signed_in(is_admin=True)
    return Request("/admin", {"email": "invitee@example.org"}, location="/admin")


def invite_a_colleague_again(scene: Scene) -> Request:
    scene.signed_in(is_admin=True)
    send_invitation("invitee@example.org", None)
    return Request("/admin", {"email": "invitee@example.org"}, location="/admin")


def resend_an_invitation(scene: Scene) -> Request:
    scene.signed_in(is_admin=True)
    invitation = send_invitation("invitee@example.org", None).invitation
    return Request(f"/admin/invitations/{invitation.id}/resend", location="/admin/people")


def revoke_an_invitation(scene: Scene) -> Request:
    scene.signed_in(is_admin=True)
    invitation = send_invitation("invitee@example.org", None).invitation
    return Request(f"/admin/invitations/{invitation.id}/revoke", location="/admin/people")


def hide_a_letter(scene: Scene) -> Request:
    scene.signed_in(is_admin=True)
    letter = scene.letter(scene.make_user(), title="Too much")
    form = {"reason": "Names a colleague who asked not to be named."}
    return Request(f"/admin/letters/{letter.slug}/hidden", form, location=f"/letters/{letter.slug}")


def show_a_hidden_letter(scene: Scene) -> Request:
    scene.signed_in(is_admin=True)
    letter = scene.letter(scene.make_user(), title="Fine after all")
    set_hidden(letter, hidden=True)
    db.session.commit()
    return Request(f"/admin/letters/{letter.slug}/hidden", location=f"/letters/{letter.slug}")


def restore_a_withdrawn_letter(scene: Scene) -> Request:
    letter = scene.letter(scene.signed_in(), title="Back again")
    withdraw_letter(letter)
    db.session.commit()
    return Request(f"/letters/{letter.slug}/restore", location=f"/letters/{letter.slug}")


def retry_a_delivery(scene: Scene) -> Request:
    scene.signed_in(is_admin=True)
    notice = Notice(recipient=READER, kind=NoticeKind.ACCOUNT, raw=b"Subject: Hi\r\n\r\nHi\r\n")
    notice.state, notice.attempts = DeliveryState.FAILED, 5
    db.session.add(notice)
    db.session.commit()
    return Request(f"/admin/deliveries/{notice.id}/retry", location="/admin/deliveries")


def lift_a_suspension(scene: Scene) -> Request:
    scene.signed_in(is_admin=True)
    suspend(READER, "550 5.1.1 User unknown")
    db.session.commit()
    return Request("/admin/deliveries/lift", {"address": READER}, location="/admin/deliveries")


# Webmention: the public endpoint (token-less: other sites post to it), the admins' decisions.


def receive_a_webmention(scene: Scene) -> Request:
    letter = scene.letter(scene.make_user(), title="Answered elsewhere")
    target = f"{current_app.config['SITE_URL']}/letters/{letter.slug}"
    form = {"source": "https://elsewhere.example/answer", "target": target}
    return Request("/webmention", form, status=202)


def waiting_webmention(scene: Scene) -> ReceivedWebmention:
    letter = scene.letter(scene.make_user(), title="Answered elsewhere")
    source, target = "https://elsewhere.example/answer", f"https://site.example/{letter.slug}"
    mention = ReceivedWebmention(pair_key=url_key(source, target), source=source, target=target,
                                 letter_id=letter.id, domain="elsewhere.example",
                                 status=MentionStatus.WAITING)  # fmt: skip
    db.session.add(mention)
    db.session.commit()
    return mention


def decide_about_a_webmention(scene: Scene, action: str) -> Request:
    scene.signed_in(is_admin=True)
    return Request(f"/admin/webmentions/{waiting_webmention(scene).id}/{action}", location="/admin")


@dataclass(frozen=True)
class WritePath:
    rule: str  # the URL rule the request reaches
    arrange: Callable[[Scene], Request]
    writes: bool = True  # False for a request whose only change is the session cookie


def path(name: str, rule: str, arrange: Callable[[Scene], Request], **options: Any) -> Any:
    return pytest.param(WritePath(rule, arrange, **options), id=name)


WRITE_PATHS = [
    path("sign-up", "/auth/register", sign_up),
    path("sign-up-address-taken", "/auth/register", sign_up_with_a_taken_address),
    path("accept-invitation", "/auth/invite/<token>", accept_invitation),
    path("sign-in", "/auth/login", sign_in_through_the_form),  # notes the time of sign-in
    path("sign-out", "/auth/logout", sign_out),
    path("request-password-reset", "/auth/reset", request_a_password_reset),
    path("reset-password", "/auth/reset/<token>", reset_the_password),
    path("resend-confirmation", "/auth/confirm", resend_the_confirmation),
    path("confirmation-link", "/auth/confirm/<token>", follow_the_confirmation_link),
    path("new-address-link", "/auth/confirm/<token>", follow_the_new_address_link),
    path("change-email", "/settings/email", change_the_email_address),
    path("change-password", "/settings/password", change_the_password),
    path("profile-settings", "/settings", save_the_profile),
    path("avatar-upload", "/settings/avatar", upload_a_picture),
    path("avatar-removal", "/settings/avatar/remove", remove_the_picture),
    path("notice-settings", "/settings/notifications", choose_notices),
    path("language-choice", "/language", choose_a_language),
    path("access-token", "/settings/tokens", make_an_access_token),
    path(
        "access-token-revoke",
        "/settings/tokens/<int:token_id>/revoke",
        revoke_an_access_token,
    ),
    path("ask-to-delete-account", "/settings/delete", ask_to_delete_the_account, writes=False),
    path("delete-account", "/settings/delete/confirm", delete_the_account),
    path("publish-letter", "/letters/new", publish_a_letter),
    path("save-draft", "/letters/new", save_a_draft),
    path("publish-reply", "/letters/<slug>/reply", publish_a_reply),
    path("edit-published-letter", "/letters/<slug>/edit", edit_a_published_letter),
    path("publish-draft", "/letters/<slug>/edit", publish_a_draft),
    path("publish-draft-from-its-page", "/letters/<slug>/publish", publish_a_draft_from_its_page),
    path("withdraw-letter", "/letters/<slug>/withdraw", withdraw_a_letter),
    path("delete-draft", "/letters/<slug>/delete", delete_a_draft),
    path("restore-withdrawn", "/letters/<slug>/restore", restore_a_withdrawn_letter),
    path("api-create-draft", "/api/letters", create_a_draft_through_the_api),
    path("api-change-letter", "/api/letters/<slug:slug>", change_a_letter_through_the_api),
    path("api-publish", "/api/letters/<slug:slug>/publish", publish_a_draft_through_the_api),
    path("api-answer", "/api/letters/<slug:slug>/replies", answer_through_the_api),
    path("api-sign", "/api/letters/<slug:slug>/signatures", sign_through_the_api),
    path(
        "api-withdraw-signature",
        "/api/letters/<slug:slug>/signatures",
        withdraw_a_signature_through_the_api,
    ),
    path("subscribe", "/subscribe", subscribe_to_the_site),
    path("confirm-subscription", "/subscribe/confirm/<token>", confirm_a_subscription),
    path("manage-frequency", "/subscriptions/<token>", change_how_often),
    path("manage-remove", "/subscriptions/<token>", remove_a_subscription),
    path("manage-remove-all", "/subscriptions/<token>", remove_every_subscription),
    path("manage-confirm-address", "/subscriptions/<token>", ask_to_confirm_a_suspended_address),
    path("forget-an-address", "/subscriptions/<token>/forget", forget_an_address),
    path(
        "confirm-suspended-address",
        "/subscriptions/confirm-address/<token>",
        confirm_a_suspended_address,
    ),
    path("unsubscribe-one-click", "/unsubscribe/<token>", unsubscribe_in_one_click),
    path("unsubscribe-digests", "/unsubscribe/<token>", unsubscribe_from_digests),
    path("unsubscribe-notice-kind", "/unsubscribe/<token>", turn_off_a_notice_in_one_click),
    path("sign-as-reader", "/letters/<slug>/sign", sign_as_a_reader),
    path("sign-as-colleague", "/letters/<slug>/sign", sign_as_a_colleague),
    path("confirm-signature", "/signatures/confirm/<token>", confirm_a_signature),
    path(
        "withdraw-signature-by-link", "/signatures/withdraw/<token>", withdraw_a_signature_by_link
    ),
    path(
        "withdraw-colleagues-signature",
        "/letters/<slug>/signature/withdraw",
        withdraw_a_colleagues_signature,
    ),
    path("close-signing", "/letters/<slug>/signing", close_signing),
    path(
        "admin-remove-signature",
        "/letters/<slug>/signatures/<int:signature_id>/remove",
        remove_a_signature,
    ),
    path("admin-invite", "/admin", invite_a_colleague),
    path("admin-invite-again", "/admin", invite_a_colleague_again),
    path(
        "admin-resend-invitation",
        "/admin/invitations/<int:invitation_id>/resend",
        resend_an_invitation,
    ),
    path(
        "admin-revoke-invitation",
        "/admin/invitations/<int:invitation_id>/revoke",
        revoke_an_invitation,
    ),
    path("admin-hide", "/admin/letters/<slug>/hidden", hide_a_letter),
    path("admin-show", "/admin/letters/<slug>/hidden", show_a_hidden_letter),
    path("admin-delivery-retry", "/admin/deliveries/<int:notice_id>/retry", retry_a_delivery),
    path("admin-lift-suspension", "/admin/deliveries/lift", lift_a_suspension),
    path("webmention", "/webmention", receive_a_webmention),
    *(
        path(
            f"admin-webmention-{action}",
            f"/admin/webmentions/<int:mention_id>/{action}",
            lambda scene, action=action: decide_about_a_webmention(scene, action),
        )
        for action in ("approve", "reject", "block")
    ),  # fmt: skip
]
