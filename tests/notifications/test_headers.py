"""Headers a mail client relies on: no injection, proper encoding, optional DKIM."""

from __future__ import annotations

import base64
import email.policy

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from app.extensions import db
from app.mail import UnsafeHeaderError, header_text, safe_header_value
from app.subscriptions.models import Target


@pytest.mark.parametrize(
    "value",
    ["a\r\nBcc: x@example.org", "a\nb", "a\rb", "a\u2028b", "a\u2029b", "a\x00b", "a\x85b"]
    + ["a\tb", "a\x0bb", "a\x1b[2Jb", "a\x7fb", "a\x9bb"],
)
def test_header_values_with_line_breaks_or_controls_are_refused(value):
    with pytest.raises(UnsafeHeaderError):
        safe_header_value(value)


@pytest.mark.parametrize(
    "text", ["=?utf-8?q?a=0D=0AX:_1?= " * 20, "Grüße " * 40 + "=?", "x" * 900 + " =?x?b?AA==?="]
)
def test_long_header_text_decodes_back_to_exactly_what_was_typed(text):
    from email.header import decode_header, make_header

    encoded = header_text(text)
    assert encoded.isascii() and "\n" not in encoded
    legacy = str(make_header(decode_header(encoded)))
    modern = str(email.policy.default.header_factory("Subject", encoded))
    assert legacy == modern == text.strip()


def test_names_and_titles_cannot_add_headers(
    app, make_user, make_letter, subscribe, send_notices, mail_server
):
    # stored as typed: names with "@" are refused now, but one saved before that stays
    author = make_user("Eve", display_name="Eve\r\nBcc: victim@example.org\u2028X-Evil: 1")
    subscribe("reader@example.org", Target.SITE)
    letter = make_letter(author, None, title="Grüße\u2028X-Injected: yes")
    assert "\u2028" in letter.title or "X-Injected" in letter.title
    send_notices()
    (mail,) = mail_server.inbox.mails
    message = mail.message
    assert mail.recipients == ["reader@example.org"]
    assert message["Bcc"] is None and message["X-Evil"] is None and message["X-Injected"] is None
    assert "\n" not in str(message["Subject"]) and "\u2028" not in str(message["Subject"])
    assert str(message["Subject"]).startswith("New letter from Eve Bcc: victim@example.org")
    assert "Grüße X-Injected: yes" in str(message["Subject"])
    name = message["From"].addresses[0].display_name
    assert "\n" not in name and name.endswith("via Briefwechsel")


def test_dkim_signature_covers_one_click_headers(
    app, tmp_path, make_user, make_letter, subscribe, send_notices, mail_server
):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_file = tmp_path / "dkim.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    app.config.update(
        DKIM_PRIVATE_KEY=str(key_file), DKIM_SELECTOR="mail", DKIM_DOMAIN="example.org"
    )
    subscribe("reader@example.org", Target.SITE)
    make_letter(make_user("Sven"), None, title="Signed")
    send_notices()
    (mail,) = mail_server.inbox.mails
    signature = mail.message["DKIM-Signature"]
    signed = signature.replace(" ", "").replace("\n", "").split("h=")[1].split(";")[0].lower()
    assert "list-unsubscribe" in signed.split(":")
    assert "list-unsubscribe-post" in signed.split(":")
    record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)
    assert dkim.verify(mail.raw, dnsfunc=lambda name, timeout=5: record)


def test_account_mail_goes_ahead_of_notices_and_has_no_list_headers(
    app, make_user, make_letter, subscribe, send_notices, mail_server
):
    subscribe("reader@example.org", Target.SITE)
    make_letter(make_user(), None, title="A notice")
    from app.notifications.sender import fan_out_pending_events

    fan_out_pending_events()
    app.test_cli_runner().invoke(args=["users", "invite", "new@example.org"])
    db.session.expire_all()
    send_notices()
    first, second = mail_server.inbox.mails
    assert first.recipients == ["new@example.org"]
    assert first.message["List-Unsubscribe"] is None and first.message["List-Id"] is None
    assert second.recipients == ["reader@example.org"]


@pytest.mark.parametrize("name", ['Eve "the Hacker" \\o/', "Jürgen Groß", "Ann: the @boss"])
def test_sender_names_survive_quoting_and_encoding(app, name):
    from email import message_from_bytes, policy

    from app.mail import compose_email

    with app.test_request_context():
        message = compose_email(
            "digest",
            "r@example.org",
            "Subject",
            sender_name=name,
            letters=[],
            urls={},
            unsubscribe_url="",
            manage_url="",
        )
    parsed = message_from_bytes(message.as_bytes(), policy=policy.default)
    (address,) = parsed["From"].addresses
    assert address.display_name == f"{name} via Briefwechsel"
    assert address.addr_spec == "briefwechsel@example.org"


def test_list_unsubscribe_offers_mailto_when_configured(
    app, make_user, make_letter, subscribe, send_notices, mail_server
):
    app.config["MAIL_UNSUBSCRIBE_ADDRESS"] = "unsubscribe@example.org"
    subscribe("reader@example.org", Target.SITE)
    make_letter(make_user(), None, title="Hello")
    send_notices()
    (mail,) = mail_server.inbox.mails
    https, mailto = (part.strip() for part in mail.message["List-Unsubscribe"].split(","))
    assert https.startswith("<https://briefe.example.org/unsubscribe/")
    assert mailto == "<mailto:unsubscribe@example.org?subject=unsubscribe>"
