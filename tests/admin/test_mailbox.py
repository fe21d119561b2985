"""The development mailbox keeps mail when no MAIL_SERVER is set; only admins see it."""

from __future__ import annotations

import re

from app.extensions import db
from app.notifications.models import MailboxMessage
from tests.support import deliver_outbox, sign_in


def test_invitation_lands_in_the_mailbox_and_admins_can_read_it(client, make_user):
    sign_in(client, make_user("Ada Admin", is_admin=True))
    client.post("/admin", data={"email": "nora@example.org"})
    deliver_outbox()  # the sender moves queued mail into the mailbox
    listing = client.get("/dev/mailbox")
    assert listing.status_code == 200
    page = listing.get_data(as_text=True)
    assert "nora@example.org" in page and "Invitation to Briefwechsel" in page
    message_url = re.search(r'href="(/dev/mailbox/\d+)"', page).group(1)

    message = client.get(message_url)
    assert message.status_code == 200
    text = message.get_data(as_text=True)
    assert "<dt>To</dt><dd>nora@example.org</dd>" in text
    assert "<dt>Subject</dt><dd>Invitation to Briefwechsel</dd>" in text
    assert "Ada Admin invites you to Briefwechsel" in text
    assert "https://briefe.example.org/auth/invite/" in text
    frame = re.search(r'<iframe[^>]*src="([^"]+)"', text)
    assert frame and " sandbox" in frame.group(0)
    assert frame.group(1) == f"{message_url}/html"

    html = client.get(frame.group(1))
    assert html.status_code == 200
    assert html.mimetype == "text/html"
    assert 'href="https://briefe.example.org/auth/invite/' in html.get_data(as_text=True)
    assert "sandbox" in html.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in html.headers["Content-Security-Policy"]


def test_mailbox_is_404_for_anonymous_and_non_admin_users(app, client, make_user, runner):
    runner.invoke(args=["users", "invite", "nora@example.org"])
    deliver_outbox()
    stored = db.session.scalars(db.select(MailboxMessage)).one()
    paths = ["/dev/mailbox", f"/dev/mailbox/{stored.id}", f"/dev/mailbox/{stored.id}/html"]
    for path in paths:
        assert client.get(path).status_code == 404, path
    sign_in(client, make_user())
    for path in paths:
        response = client.get(path)
        assert response.status_code == 404, path
        assert "nora@example.org" not in response.get_data(as_text=True)


def test_unknown_mailbox_message_is_404(client, make_user):
    sign_in(client, make_user(is_admin=True))
    assert client.get("/dev/mailbox/999").status_code == 404
    assert client.get("/dev/mailbox/999/html").status_code == 404


def test_mailbox_stays_empty_when_mail_goes_over_smtp(app_factory, mail_server):
    app = app_factory(**mail_server.settings)
    app.test_cli_runner().invoke(args=["users", "invite", "nora@example.org"])
    assert len(mail_server.inbox.wait_for(1)) == 1
    assert db.session.scalars(db.select(MailboxMessage)).all() == []


def test_mailbox_shows_escaped_html_of_untrusted_names(client, make_user):
    # such a name is refused now; one saved before that still must not become markup
    admin = make_user("Ada", display_name='Ada <img src=x onerror="alert(1)">', is_admin=True)
    sign_in(client, admin)
    client.post("/admin", data={"email": "nora@example.org"})
    deliver_outbox()
    stored = db.session.scalars(db.select(MailboxMessage)).one()
    html = client.get(f"/dev/mailbox/{stored.id}/html").get_data(as_text=True)
    assert "<img src=x" not in html and "&lt;img" in html
