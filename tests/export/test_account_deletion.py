"""A colleague deletes their account: asked twice, password required, letters kept or withdrawn."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.accounts.models import AccessToken, NoticeSettings, User
from app.extensions import db
from app.letters.models import Letter, LetterStatus, Revision
from app.outbox import Notice
from app.signatures.models import Signature
from app.subscriptions.models import Subscription, Target
from tests.export.conftest import Correspondence
from tests.support import PASSWORD, can_sign_in, csrf_token_from, server_like_client, sign_in


@pytest.fixture
def app(app_factory, mail_server):
    return app_factory(WTF_CSRF_ENABLED=True, **mail_server.settings)


@pytest.fixture
def browser(app, correspondence):
    """Svenja's browser, signed in."""
    client = server_like_client(app)
    sign_in(client, correspondence.svenja)
    return client


def answer_first_question(browser, letters: str = "keep", password: str = PASSWORD):
    page = browser.get("/settings/delete").get_data(as_text=True)
    data = {"csrf_token": csrf_token_from(page), "current_password": password}
    if letters:
        data["letters"] = letters
    return browser.post("/settings/delete", data=data)


def delete_with(browser, letters: str) -> None:
    """Both questions answered as a person would, through the pages."""
    confirmation = answer_first_question(browser, letters)
    assert confirmation.status_code == 200
    page = confirmation.get_data(as_text=True)
    ticket = re.search(r'name="ticket" type="hidden" value="([^"]+)"', page).group(1)
    done = browser.post(
        "/settings/delete/confirm", data={"csrf_token": csrf_token_from(page), "ticket": ticket}
    )
    assert done.status_code == 302 and done.headers["Location"] == "/"


def account(user_id: int) -> User:
    db.session.expire_all()
    return db.session.get(User, user_id)


def test_settings_page_leads_to_deletion_and_says_what_happens(browser):
    settings = browser.get("/settings").get_data(as_text=True)
    assert 'href="/settings/delete"' in settings
    page = browser.get("/settings/delete").get_data(as_text=True)
    assert "Your 1 draft is deleted." in page
    assert "1 letter addressed to you keeps your name" in page  # Sven's answer
    assert "cannot be undone" in page and 'href="/settings/export.zip"' in page


def test_wrong_password_or_no_choice_deletes_nothing(browser, correspondence: Correspondence):
    wrong = answer_first_question(browser, password="not the password")
    assert wrong.status_code == 422
    assert 'id="current_password-error">The password is not right.' in wrong.get_data(as_text=True)
    unchosen = answer_first_question(browser, letters="")
    assert unchosen.status_code == 422
    assert "Please choose what becomes of your letters." in unchosen.get_data(as_text=True)
    assert account(correspondence.svenja.id).deleted_at is None
    assert browser.get("/settings").status_code == 200  # still signed in


def test_first_answer_alone_deletes_nothing(browser, correspondence: Correspondence):
    confirmation = answer_first_question(browser)
    page = confirmation.get_data(as_text=True)
    assert "Delete your account?" in page and "Yes, delete my account" in page
    assert "Your 2 published letters stay public" in page
    assert account(correspondence.svenja.id).deleted_at is None


def test_kept_letters_stay_under_a_former_colleague(app, browser, correspondence):
    opening, draft_id = correspondence.opening, correspondence.draft.id
    reader = server_like_client(app)
    assert "Svenja Köhler" in reader.get(f"/letters/{opening.slug}").get_data(as_text=True)

    delete_with(browser, "keep")

    page = reader.get(f"/letters/{opening.slug}")  # kept for readers before: made anew now
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Second text." in html
    assert 'by <span class="p-author h-card">a former colleague</span> to' in html
    assert "Svenja Köhler" not in html and "/@svenja" not in html
    assert "About the author" not in html
    assert reader.get("/@svenja").status_code == 404
    people = reader.get("/people").get_data(as_text=True)
    assert "Svenja" not in people and "former" not in people
    # Sven's answer to her keeps her name, as text.
    answer = reader.get(f"/letters/{correspondence.answer.slug}").get_data(as_text=True)
    assert "Svenja Köhler" in answer and 'href="/@svenja"' not in answer
    assert db.session.get(Letter, correspondence.answer.id).addressee_id is None
    # The draft is gone; published letters and their revisions stay.
    assert db.session.get(Letter, draft_id) is None
    assert db.session.scalar(select(func.count()).select_from(Revision)) == 1


def test_the_account_holds_nothing_that_names_or_reaches_her(app, browser, correspondence):
    svenja_id = correspondence.svenja.id
    delete_with(browser, "keep")
    former = account(svenja_id)
    assert former.deleted_at is not None
    assert "svenja" not in f"{former.email} {former.handle} {former.display_name}".lower()
    assert former.email.endswith("@invalid") and former.password_hash == ""
    assert former.avatar_png is None and former.bio == "" and not former.is_admin
    assert not can_sign_in(app, "svenja@example.org", PASSWORD)
    assert db.session.scalar(select(func.count()).where(AccessToken.user_id == svenja_id)) == 0
    assert db.session.scalar(select(func.count()).where(NoticeSettings.user_id == svenja_id)) == 0
    assert db.session.scalar(
        select(func.count()).where(Subscription.email == "svenja@example.org")
    ) == 0  # fmt: skip
    assert db.session.scalar(select(func.count()).select_from(Signature)) == 0
    assert db.session.scalar(
        select(func.count()).where(func.lower(Notice.recipient) == "svenja@example.org")
    ) == 0  # fmt: skip
    api = app.test_client()
    bearer = {"Authorization": f"Bearer {correspondence.token_secret}"}
    assert api.get("/api/letters", headers=bearer).status_code == 401


def test_search_finds_her_letters_by_their_words_not_her_name(app, browser, correspondence):
    reader = server_like_client(app)
    hers = f'href="/letters/{correspondence.opening.slug}"'
    assert hers in reader.get("/search?q=Köhler").get_data(as_text=True)
    delete_with(browser, "keep")
    by_name = reader.get("/search?q=Köhler").get_data(as_text=True)
    assert hers not in by_name
    # Sven's answer is to her, and keeps her name.
    assert f'href="/letters/{correspondence.answer.slug}"' in by_name
    assert hers in reader.get("/search?q=panel").get_data(as_text=True)  # from her P.S.


def test_withdrawn_letters_lose_their_text_and_answers_stay(app, browser, correspondence):
    delete_with(browser, "withdraw")
    reader = server_like_client(app)
    gone = reader.get(f"/letters/{correspondence.opening.slug}")
    assert gone.status_code == 410
    assert "a former colleague withdrew this letter" in gone.get_data(as_text=True)
    opening = db.session.get(Letter, correspondence.opening.id)
    assert opening.status == LetterStatus.WITHDRAWN
    assert opening.body == opening.body_html == opening.postscript == ""
    assert db.session.scalar(select(func.count()).select_from(Revision)) == 0
    assert reader.get(f"/letters/{correspondence.answer.slug}").status_code == 200
    assert reader.get(f"/letters/{correspondence.second.slug}").status_code == 410


def test_every_session_ends_remember_me_too(app, correspondence):
    laptop = server_like_client(app)
    sign_in(laptop, correspondence.svenja, remember=True)
    phone = server_like_client(app)
    sign_in(phone, correspondence.svenja)
    laptop.delete_cookie("session")
    assert laptop.get("/settings").status_code == 200  # the remember-me cookie signs in again
    delete_with(phone, "keep")
    assert phone.get("/settings").status_code == 302
    laptop.delete_cookie("session")  # only the remember-me cookie is left to try
    assert laptop.get("/settings").status_code == 302


def test_the_last_admin_cannot_leave_the_site_without_one(app, make_user, correspondence):
    admin = make_user("Ada Admin", is_admin=True)
    browser = server_like_client(app)
    sign_in(browser, admin)
    refused = browser.get("/settings/delete")
    assert refused.status_code == 409
    assert "You are the only admin." in refused.get_data(as_text=True)
    make_user("Bert Admin", is_admin=True)
    assert browser.get("/settings/delete").status_code == 200
    delete_with(browser, "keep")
    assert account(admin.id).deleted_at is not None


def test_a_forged_or_foreign_ticket_deletes_nothing(app, browser, correspondence):
    page = answer_first_question(browser).get_data(as_text=True)
    ticket = re.search(r'name="ticket" type="hidden" value="([^"]+)"', page).group(1)
    sven = server_like_client(app)
    sign_in(sven, correspondence.sven)
    settings = sven.get("/settings").get_data(as_text=True)
    stolen = sven.post(
        "/settings/delete/confirm", data={"csrf_token": csrf_token_from(settings), "ticket": ticket}
    )
    assert stolen.status_code == 302 and stolen.headers["Location"] == "/settings/delete"
    forged = browser.post(
        "/settings/delete/confirm", data={"csrf_token": csrf_token_from(page), "ticket": "x.y.z"}
    )
    assert forged.status_code == 302 and forged.headers["Location"] == "/settings/delete"
    assert account(correspondence.sven.id).deleted_at is None
    assert account(correspondence.svenja.id).deleted_at is None


def test_no_mail_reaches_her_after_and_answers_go_to_her_name(
    app, browser, correspondence, make_letter, send_notices, mail_server
):
    send_notices()
    mail_server.inbox.mails.clear()
    delete_with(browser, "keep")
    sven = correspondence.sven
    make_letter(sven, None, title="Re: Listening, again", parent=correspondence.second)
    send_notices()
    recipients = [address for mail in mail_server.inbox.mails for address in mail.recipients]
    assert not [address for address in recipients if address.endswith("@invalid")]
    assert "svenja@example.org" not in recipients
    # Sven answers her kept letter from the write page: to her former name, no account.
    writer = server_like_client(app)
    sign_in(writer, sven)
    form = writer.get(f"/letters/{correspondence.second.slug}/reply").get_data(as_text=True)
    assert 'name="addressee_name"' in form and 'value="a former colleague"' in form


def test_subscribers_of_her_letters_lose_that_subscription_only(
    app, browser, correspondence, subscribe
):
    svenja = correspondence.svenja
    subscribe("reader@example.org", Target.AUTHOR, svenja.id)
    subscribe("reader@example.org", Target.SITE)
    delete_with(browser, "keep")
    left = db.session.scalars(
        select(Subscription.target).where(Subscription.email == "reader@example.org")
    ).all()
    assert left == [Target.SITE]


def test_a_german_reader_reads_the_german_name(app, browser, correspondence):
    delete_with(browser, "keep")
    reader = server_like_client(app)
    page = reader.get(
        f"/letters/{correspondence.opening.slug}", headers={"Accept-Language": "de"}
    ).get_data(as_text=True)
    assert "ehemaliges Teammitglied" in page


def test_an_admin_deletes_an_account_on_request_from_the_command_line(runner, correspondence):
    svenja = correspondence.svenja
    unknown = runner.invoke(args=["users", "delete", "nobody@example.org", "--letters", "keep",
                                  "--yes"])  # fmt: skip
    assert unknown.exit_code != 0 and "No colleague has the address" in unknown.output
    done = runner.invoke(args=["users", "delete", "Svenja@example.org", "--letters", "withdraw",
                               "--yes"])  # fmt: skip
    assert done.exit_code == 0, done.output
    assert account(svenja.id).deleted_at is not None
    assert db.session.get(Letter, correspondence.opening.id).status == LetterStatus.WITHDRAWN
