"""The imprint and privacy statement: from files or settings, linked from every page and email."""

from __future__ import annotations

import pytest

from app.accounts.service import create_user
from app.extensions import db
from tests.ops.support import run_doctor
from tests.support import PASSWORD, SITE_URL, link_in, mailbox_messages, text_of

IMPRINT = "Briefe GmbH\n\nMusterstraße 1, 12345 Berlin\n\n<script>alert(1)</script>"


def footer_links(page: str) -> list[str]:
    footer = page.split('<footer class="site-footer">', 1)[1]
    return [part.split('"', 1)[0] for part in footer.split('href="')[1:]]


def test_without_an_imprint_there_is_no_link_to_one_and_doctor_says_so(app_factory):
    app = app_factory(SITE_URL="https://briefe.example.org")
    client = app.test_client()
    assert client.get("/imprint").status_code == 404
    links = footer_links(client.get("/").get_data(as_text=True))
    assert "/privacy" in links and "/imprint" not in links
    assert "German sites must name who runs them" in run_doctor(app).problem("imprint")


def test_the_imprint_from_the_setting_is_linked_from_every_page(app_factory):
    app = app_factory(IMPRINT=IMPRINT, SITE_URL="https://briefe.example.org")
    client = app.test_client()
    page = client.get("/imprint")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Musterstraße 1, 12345 Berlin" in html and "<script>alert" not in html
    for path in ("/", "/privacy", "/subscribe", "/auth/login"):
        assert "/imprint" in footer_links(client.get(path).get_data(as_text=True)), path
    assert run_doctor(app).ok("imprint")


def page_in(app, path: str, language: str) -> str:
    """The page as a reader with this browser language gets it, in a request of its own."""
    with app.app_context():  # a context of its own, as every request has in a server
        return (
            app.test_client()
            .get(path, headers={"Accept-Language": language})
            .get_data(as_text=True)
        )


def test_files_in_the_folder_come_first_and_in_the_readers_language(app_factory, tmp_path):
    (tmp_path / "imprint.md").write_text("Run by **Briefe Ltd.**", encoding="utf-8")
    (tmp_path / "imprint.de.md").write_text("Betrieben von der **Briefe GmbH**", encoding="utf-8")
    (tmp_path / "privacy.md").write_text("We keep *little*.", encoding="utf-8")
    app = app_factory(LEGAL_FOLDER=str(tmp_path), IMPRINT="from the setting")
    english, german = page_in(app, "/imprint", "en"), page_in(app, "/imprint", "de")
    assert "Run by <strong>Briefe Ltd.</strong>" in english and "from the setting" not in english
    assert "Betrieben von der <strong>Briefe GmbH</strong>" in german
    assert "<h1>Impressum</h1>" in german
    privacy = page_in(app, "/privacy", "de")
    assert "We keep <em>little</em>." in privacy and "<h1>Datenschutz</h1>" in privacy


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "the address, the message id and any error, for 14 days; then they are deleted"),
        (
            "de",
            "die Adresse, die Message-ID und ein Fehler, 14 Tage lang; dann werden sie gelöscht",
        ),
    ],
)
def test_without_a_statement_the_privacy_page_says_what_is_kept_and_how_long(
    app_factory, language, said
):
    assert said in page_in(app_factory(DELIVERY_RETENTION_DAYS=14), "/privacy", language)


def test_every_email_links_imprint_and_privacy_in_both_parts(app_factory):
    app = app_factory(IMPRINT=IMPRINT)
    client = app.test_client()
    create_user("ada@example.org", "Ada", PASSWORD, locale="en")
    db.session.commit()
    client.post("/auth/reset", data={"email": "ada@example.org"})
    (message,) = mailbox_messages()
    text = message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    html = message.get_body(preferencelist=("html",)).get_content()
    assert text.endswith(
        f"\n\n-- \nBriefwechsel · {SITE_URL}\nImprint: {SITE_URL}/imprint\n"
        f"Privacy: {SITE_URL}/privacy"
    )
    assert f'href="{SITE_URL}/imprint"' in html and f'href="{SITE_URL}/privacy"' in html
    # The footer never gets in the way of the mail's own link.
    assert link_in(text_of(message)).startswith("/auth/reset/")
    assert client.get("/imprint").status_code == client.get("/privacy").status_code == 200
