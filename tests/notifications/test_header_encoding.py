"""Names and titles in headers reach a mail client as typed: encoded-word syntax is never ours."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.header import decode_header, make_header

import pytest

from app.extensions import db
from app.outbox import Notice
from app.subscriptions.models import Frequency, Target

# Decoded by a careless client, these would end the header and start "Bcc:" / "X-Injected:".
EVIL_NAME = "=?utf-8?q?Eve=0D=0ABcc:=20victim=40example.org?="
EVIL_TITLE = "=?utf-8?b?" + base64.b64encode(b"Hi\r\nX-Injected: yes").decode() + "?="
EVIL_SITE = '=?utf-8?q?Briefe=0D=0AX-Evil:=201?= "Team"'
EVIL_ADDRESS = "=?utf-8?q?a=0D=0ABcc=3A_victim=40example.org?=@example.org"
BREAKS = ("\r", "\n", "\u2028", "\u2029", "\x85", "\t", "\x0b", "\x0c", "\x00")
HEADERS_WE_SEND = {
    "content-type",
    "mime-version",
    "subject",
    "from",
    "to",
    "date",
    "message-id",
    "list-id",
    "list-unsubscribe",
    "list-unsubscribe-post",
    "in-reply-to",
    "references",
}


def as_read(raw: bytes, name: str) -> list[str]:
    """The header as two kinds of mail client decode it: policy.default and decode_header."""
    modern = message_from_bytes(raw, policy=policy.default)
    legacy = message_from_bytes(raw, policy=policy.compat32)
    return [str(modern[name]), str(make_header(decode_header(legacy[name])))]


def sender_name(raw: bytes) -> str:
    """The From display name as an RFC 2047 reader shows it.

    decode_header drops the blanks between adjacent encoded words, as RFC 2047 says; the
    address parser of policy.default in Python 3.11 keeps them (CPython gh-128110), so a
    long name gains a space there: that reading is compared without blanks.
    """
    modern = message_from_bytes(raw, policy=policy.default)["From"].addresses[0].display_name
    legacy = as_read(raw, "From")[1].removesuffix(" <briefwechsel@example.org>")
    assert modern.replace(" ", "") == legacy.replace(" ", "")
    return legacy


def assert_reads_safely(raw: bytes) -> None:
    """No header decodes to a line break or a control character, and none was added."""
    modern = message_from_bytes(raw, policy=policy.default)
    assert {name.lower() for name in modern.keys()} <= HEADERS_WE_SEND
    for name in modern.keys():
        for decoded in as_read(raw, name):
            assert not any(character in decoded for character in BREAKS), (name, decoded)


def test_encoded_words_in_a_name_and_a_title_are_shown_as_typed(
    app, make_user, make_letter, subscribe, send_notices, mail_server
):
    author = make_user("Eve", display_name=EVIL_NAME)
    subscribe("reader@example.org", Target.SITE)
    make_letter(author, None, title=EVIL_TITLE)
    send_notices()
    (mail,) = mail_server.inbox.mails
    assert mail.recipients == ["reader@example.org"]
    assert_reads_safely(mail.raw)
    subject = f"New letter from {EVIL_NAME}: {EVIL_TITLE}"
    assert as_read(mail.raw, "Subject") == [subject, subject]
    assert sender_name(mail.raw) == f"{EVIL_NAME} via Briefwechsel"


def test_a_reply_and_a_letter_to_a_colleague_keep_their_headers_safe(
    app, make_user, make_letter, send_notices, mail_server
):
    eve = make_user("Eve", display_name=EVIL_NAME)
    ada = make_user("Ada", email="ada@example.org")
    root = make_letter(ada, eve, title=EVIL_TITLE)
    make_letter(eve, None, parent=root, title=f"Re: {EVIL_TITLE}")
    send_notices()
    answer = mail_server.inbox.to("ada@example.org")[-1]
    assert_reads_safely(answer.raw)
    expected = f"{EVIL_NAME} answered your letter: Re: {EVIL_TITLE}"
    assert as_read(answer.raw, "Subject") == [expected, expected]
    assert answer.message["In-Reply-To"].startswith(f"<letter-{root.id}.")


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("Eve\tTab", "Eve Tab"),
        ("Eve\x1b[31mRed", "Eve [31mRed"),
        ("Eve\x7fDel\x9bC1", "Eve Del C1"),
        ("Eve\u0085Nel\u2028Ls\u2029Ps\x0bVt\x0cFf", "Eve Nel Ls Ps Vt Ff"),
    ],
)
def test_control_characters_in_names_and_titles_become_spaces(
    app, make_user, make_letter, subscribe, send_notices, mail_server, typed, shown
):
    author = make_user("Eve", display_name=typed)
    subscribe("reader@example.org", Target.SITE)
    letter = make_letter(author, None, title="Plain")
    letter.title = f"Title {typed}"  # as an older row or another way in may have stored it
    db.session.commit()
    send_notices()
    (mail,) = mail_server.inbox.mails
    assert_reads_safely(mail.raw)
    subject = f"New letter from {shown}: Title {shown}"
    assert as_read(mail.raw, "Subject") == [subject, subject]
    assert sender_name(mail.raw) == f"{shown} via Briefwechsel"


@pytest.fixture
def evil_site_app(app):
    app.config["SITE_NAME"] = EVIL_SITE
    return app


@pytest.mark.parametrize("site", [EVIL_SITE, 'Briefe für alle: "Team"'])
def test_a_site_name_is_shown_literally_in_notices_and_list_id(
    app, make_user, make_letter, subscribe, send_notices, mail_server, site
):
    app.config["SITE_NAME"] = site
    subscribe("reader@example.org", Target.SITE)
    make_letter(make_user("Sven"), None, title="Hello")
    send_notices()
    (mail,) = mail_server.inbox.mails
    assert_reads_safely(mail.raw)
    assert sender_name(mail.raw) == f"Sven via {site}"
    # Filters match the id itself: it stays outside the encoded name.
    assert message_from_bytes(mail.raw)["List-Id"].endswith("?= <notices.example.org>")
    expected = f"{site} <notices.example.org>"
    assert as_read(mail.raw, "List-Id") == [expected, expected]


def test_a_digest_subject_shows_the_site_name_literally(
    evil_site_app, make_user, make_letter, subscribe, send_notices, mail_server
):
    three_days_ago = datetime.now(UTC) - timedelta(days=3)
    subscribe("digest@example.org", frequency=Frequency.DAILY, confirmed_at=three_days_ago)
    make_letter(make_user("Sven"), None, title="Hello")
    send_notices()
    (mail,) = mail_server.inbox.to("digest@example.org")
    assert_reads_safely(mail.raw)
    subject = f"Your digest from {EVIL_SITE}: new letters"
    assert as_read(mail.raw, "Subject") == [subject, subject]


def test_account_and_subscription_mail_keep_the_site_name_literal(
    evil_site_app, client, make_user, send_notices, mail_server
):
    inviter = make_user("Eve", display_name=EVIL_NAME, is_admin=True)
    from app.accounts.invitations import send_invitation

    send_invitation("new@example.org", inviter)
    db.session.commit()
    form = {"email": "reader@example.org", "frequency": "instant", "target": "site"}
    assert client.post("/subscribe", data={**form, "target_id": "0"}).status_code == 200
    send_notices()
    invitation = mail_server.inbox.to("new@example.org")[0]
    confirmation = mail_server.inbox.to("reader@example.org")[0]
    for mail in (invitation, confirmation):
        assert_reads_safely(mail.raw)
        assert sender_name(mail.raw) == EVIL_SITE
    subject = f"Invitation to {EVIL_SITE}"
    assert as_read(invitation.raw, "Subject") == [subject, subject]
    assert f"{EVIL_NAME} invites you to {EVIL_SITE}" in invitation.text


def test_an_address_with_encoded_words_cannot_subscribe(app, client, send_notices, mail_server):
    form = {"email": EVIL_ADDRESS, "frequency": "instant", "target": "site", "target_id": "0"}
    response = client.post("/subscribe", data=form)
    assert response.status_code == 422
    assert "This is not a valid email address." in response.get_data(as_text=True)
    assert db.session.scalars(db.select(Notice)).all() == []


def test_an_address_with_encoded_words_cannot_be_invited(app, make_user, mail_server):
    from app.accounts.invitations import send_invitation
    from app.accounts.service import AccountError

    with pytest.raises(AccountError):
        send_invitation(EVIL_ADDRESS, make_user("Ada"))
    assert db.session.scalars(db.select(Notice)).all() == []


def test_no_mail_is_composed_to_an_address_with_encoded_words(app):
    from app.mail import UnsafeHeaderError, compose_email

    with app.test_request_context(), pytest.raises(UnsafeHeaderError):
        compose_email("subscription_confirm", EVIL_ADDRESS, "Subject", what="", frequency="",
                      confirm_url="")  # fmt: skip
