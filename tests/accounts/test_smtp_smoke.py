"""Account mail travels over real SMTP when MAIL_SERVER is set."""

from __future__ import annotations


def test_invitation_arrives_over_smtp_with_site_url_link(app_factory, mail_server):
    app = app_factory(**mail_server.settings)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "invite", "New.Person@Example.org"])
    assert result.exit_code == 0, result.output
    (mail,) = mail_server.inbox.wait_for(1)
    assert mail.recipients == ["new.person@example.org"]
    assert mail.message["Subject"] == "Invitation to Briefwechsel"
    assert "https://briefe.example.org/auth/invite/" in mail.text
    assert 'href="https://briefe.example.org/auth/invite/' in mail.html
