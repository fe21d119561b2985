"""Invitations are kept: with a personal note, sent again instead of twice, revoked, expired."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import Invitation
from app.database import utc_now
from app.extensions import db
from tests.support import PASSWORD, link_in, sign_in, text_of

NOTE = 'Dear Nora,\n<script>alert("hi")</script> & welcome – see you on "Monday".'
ACCOUNT_FORM = {"display_name": "Nora Neu", "password": PASSWORD, "password_repeat": PASSWORD}


@pytest.fixture
def app(app_factory, mail_server):
    """Mail goes to a real SMTP server here, except where a test builds its own app."""
    return app_factory(**mail_server.settings)


@pytest.fixture
def admin_client(app, make_user):
    client = app.test_client()
    sign_in(client, make_user("Ada Admin", is_admin=True))
    return client


def invitations_to(address: str) -> list[Invitation]:
    return list(db.session.scalars(select(Invitation).where(Invitation.email == address)))


def test_personal_note_arrives_in_both_parts_and_is_escaped_in_html_and_on_the_page(
    app, admin_client, mail_server
):
    response = admin_client.post("/admin", data={"email": "nora@example.org", "note": NOTE})
    assert response.status_code == 302

    (mail,) = mail_server.inbox.wait_for(1)
    assert "A note from Ada Admin:\n" + NOTE + "\n" in mail.text.replace("\r\n", "\n")
    escaped = (
        "Dear Nora,\n&lt;script&gt;alert(&#34;hi&#34;)&lt;/script&gt; &amp; welcome – "
        "see you on &#34;Monday&#34;."
    )
    assert escaped in mail.html.replace("\r\n", "\n")
    assert "<script>" not in mail.html
    page = app.test_client().get(link_in(mail.text)).get_data(as_text=True)
    assert "A note from Ada Admin:" in page and escaped in page
    assert "<script>alert" not in page


def test_a_note_past_1000_characters_gets_a_message_at_the_field(admin_client, mail_server):
    response = admin_client.post("/admin", data={"email": "nora@example.org", "note": "x" * 1001})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert '<p class="field-error" id="note-error">' in html
    assert invitations_to("nora@example.org") == []
    assert mail_server.inbox.wait_for(1, timeout=0.3) == []


def test_inviting_a_pending_address_again_sends_that_invitation_again(
    app, admin_client, mail_server
):
    admin_client.post("/admin", data={"email": "nora@example.org", "note": "First words"})
    response = admin_client.post("/admin", data={"email": "Nora@Example.org", "note": "Later"})

    assert response.headers["Location"] == "/admin"
    page = admin_client.get("/admin").get_data(as_text=True)
    assert "nora@example.org was invited already: the invitation was sent again." in page
    (invitation,) = invitations_to("nora@example.org")
    assert invitation.note == "Later"
    first, second = mail_server.inbox.wait_for(2)
    assert "Later" in second.text and "First words" in first.text
    visitor = app.test_client()
    assert visitor.post(link_in(first.text), data=ACCOUNT_FORM).status_code == 302
    answer = visitor.get(link_in(second.text))  # the same invitation: used now
    assert answer.status_code == 410
    assert "This invitation was used already." in answer.get_data(as_text=True)


def test_after_revoking_the_address_can_be_invited_anew(app, admin_client, mail_server):
    admin_client.post("/admin", data={"email": "nora@example.org"})
    (revoked,) = invitations_to("nora@example.org")
    admin_client.post(f"/admin/invitations/{revoked.id}/revoke")
    admin_client.post("/admin", data={"email": "nora@example.org"})

    assert len(invitations_to("nora@example.org")) == 2
    old, new = mail_server.inbox.wait_for(2)
    visitor = app.test_client()
    assert visitor.get(link_in(old.text)).status_code == 410
    assert visitor.post(link_in(new.text), data=ACCOUNT_FORM).status_code == 302


def test_expired_invitation_is_marked_and_sending_it_again_gives_a_working_link(
    app, admin_client, mail_server, issued_days_ago, runner
):
    with issued_days_ago(8):
        runner.invoke(args=["users", "invite", "nora@example.org"])
    (invitation,) = invitations_to("nora@example.org")
    invitation.last_sent_at = utc_now() - timedelta(days=8)  # as the link says
    db.session.commit()
    page = admin_client.get("/admin/people").get_data(as_text=True)
    assert "(link expired)" in page
    (old,) = mail_server.inbox.wait_for(1)
    expired = app.test_client().get(link_in(old.text))
    assert expired.status_code == 410
    assert "This invitation has expired." in expired.get_data(as_text=True)

    admin_client.post(f"/admin/invitations/{invitation.id}/resend")

    assert "(link expired)" not in admin_client.get("/admin/people").get_data(as_text=True)
    _old, new = mail_server.inbox.wait_for(2)
    assert app.test_client().post(link_in(new.text), data=ACCOUNT_FORM).status_code == 302


def test_command_line_invitation_with_a_note_is_listed_as_from_the_command_line(
    app_factory, make_user, mailbox
):
    app = app_factory()  # no mail server: the development mailbox keeps the mail
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "invite", "nora@example.org", "--note", "Welcome!"])
    assert result.exit_code == 0, result.output
    assert "Invitation sent to nora@example.org." in result.output
    again = runner.invoke(args=["users", "invite", "nora@example.org"])
    assert "nora@example.org was invited already: the invitation was sent again." in again.output

    first, second = mailbox()
    for message in (first, second):
        assert "A note with your invitation:\nWelcome!\n" in text_of(message).replace("\r\n", "\n")
    (invitation,) = invitations_to("nora@example.org")
    assert (invitation.inviter_id, invitation.note) == (None, "Welcome!")
    client = app.test_client()
    sign_in(client, make_user("Ada Admin", is_admin=True))
    page = client.get("/admin/people").get_data(as_text=True)
    assert "<td>the command line</td>" in page and "Welcome!" in page
