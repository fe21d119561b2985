"""Admins see the colleagues and the pending invitations, and send invitations again or revoke
them; nobody else can."""

from __future__ import annotations

from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.accounts.invitations import send_invitation
from app.accounts.models import Invitation, User
from app.extensions import db
from tests.support import (
    PASSWORD,
    csrf_token_from,
    link_in,
    server_like_client,
    sign_in,
)

ACCOUNT_FORM = {"display_name": "Nora Neu", "password": PASSWORD, "password_repeat": PASSWORD}


class PeopleTables(HTMLParser):
    """The rows of each table on the page, by the id of the heading of its section."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tables: dict[str, list[dict[str, object]]] = {}
        self.section = ""
        self.row: dict[str, object] | None = None
        self.in_cell = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "section":
            self.section = values.get("aria-labelledby") or ""
        elif tag == "tr":
            self.row = {"cells": [], "links": [], "actions": []}
        elif tag == "td" and self.row is not None:
            self.row["cells"].append("")
            self.in_cell = True
        elif tag == "a" and self.row is not None:
            self.row["links"].append(values.get("href"))
        elif tag == "form" and self.row is not None:
            self.row["actions"].append(values.get("action"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self.in_cell = False
        elif tag == "tr" and self.row is not None:
            if self.row["cells"]:  # the header row has none
                self.tables.setdefault(self.section, []).append(self.row)
            self.row = None

    def handle_data(self, data: str) -> None:
        if self.in_cell and self.row is not None:
            cells = self.row["cells"]
            cells[-1] = " ".join((cells[-1] + " " + data).split())


def people_page(client) -> PeopleTables:
    response = client.get("/admin/people")
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return PeopleTables(response.get_data(as_text=True))


def colleague_rows(client) -> dict[str, dict[str, object]]:
    return {row["cells"][0]: row for row in people_page(client).tables["colleagues-heading"]}


def pending_rows(client) -> dict[str, dict[str, object]]:
    rows = people_page(client).tables.get("invitations-heading", [])
    return {row["cells"][0]: row for row in rows}


@pytest.fixture
def admin(make_user):
    return make_user("Ada Admin", handle="ada", is_admin=True, timezone="Asia/Tokyo")


@pytest.fixture
def admin_client(app, admin):
    client = app.test_client()
    sign_in(client, admin)
    return client


@pytest.fixture
def app(app_factory, mail_server):
    """Mail goes to a real SMTP server here."""
    return app_factory(**mail_server.settings)


def in_tokyo(moment) -> str:
    local = moment.astimezone(ZoneInfo("Asia/Tokyo"))
    return f"{local.day} {local:%B %Y, %H:%M}"


def test_people_page_shows_address_letters_and_last_sign_in_of_each_colleague(
    app, admin, admin_client, make_user, make_letter
):
    nora = make_user("Nora Neu", handle="nora", email="nora@example.org")
    make_user("Otto Offline", handle="otto", email="otto@example.org")
    make_letter(nora, title="One")
    make_letter(nora, title="Two")
    make_letter(nora, title="Unfinished", publish=False)  # a draft is not counted
    sign_in(app.test_client(), nora)  # through the real login form
    signed_in_at = db.session.scalars(
        select(User.last_signed_in_at).where(User.handle == "nora")
    ).one()
    assert signed_in_at is not None

    rows = colleague_rows(admin_client)

    assert rows["Nora Neu"]["cells"] == [
        "Nora Neu",
        "nora@example.org",
        "2",
        in_tokyo(signed_in_at),
        "",
    ]
    assert rows["Nora Neu"]["links"] == ["/@nora"]
    assert rows["Otto Offline"]["cells"][1:] == ["otto@example.org", "0", "never", ""]
    assert rows["Ada Admin"]["cells"][4] == "yes"


def test_people_page_runs_as_many_statements_for_20_colleagues_as_for_3(
    app, admin, make_user, make_letter, count_queries
):
    client = server_like_client(app)
    sign_in(client, admin)

    def add_people(count: int) -> None:
        for _number in range(count):
            colleague = make_user()
            make_letter(colleague)
            send_invitation(f"invitee.of.{colleague.handle}@example.org", colleague, "Hello")
            send_invitation(f"cli.{colleague.handle}@example.org", None)
        db.session.commit()

    def statements(colleagues: int) -> int:
        with count_queries() as counter:
            assert len(colleague_rows(client)) == colleagues
        return counter.count

    add_people(2)
    few = statements(3)
    add_people(17)
    assert len(pending_rows(client)) == 2 * 19
    assert statements(20) == few


def invite(client, mail_server, *addresses: str) -> list:
    """Invite through the admin page; the mails that arrived."""
    for address in addresses:
        assert client.post("/admin", data={"email": address}).status_code == 302
    return mail_server.inbox.wait_for(len(addresses))


def accounts_of(address: str) -> list[User]:
    return list(db.session.scalars(select(User).where(User.email == address)))


def test_resent_invitation_arrives_again_and_its_new_link_creates_the_account(
    app, admin_client, mail_server
):
    client = admin_client
    invite(client, mail_server, "nora@example.org")
    resend, _revoke = pending_rows(client)["nora@example.org"]["actions"]

    response = client.post(resend)

    assert response.status_code == 302 and response.headers["Location"] == "/admin/people"
    page = client.get("/admin/people").get_data(as_text=True)
    assert "The invitation to nora@example.org was sent again." in page
    _first, second = mail_server.inbox.wait_for(2)
    assert second.recipients == ["nora@example.org"]
    visitor = app.test_client()
    assert visitor.post(link_in(second.text), data=ACCOUNT_FORM).status_code == 302
    assert len(accounts_of("nora@example.org")) == 1


def test_revoked_invitation_link_answers_410_and_leaves_the_pending_list(
    app, admin_client, mail_server
):
    client = admin_client
    (mail,) = invite(client, mail_server, "nora@example.org")
    link = link_in(mail.text)
    assert app.test_client().get(link).status_code == 200
    _resend, revoke = pending_rows(client)["nora@example.org"]["actions"]

    response = client.post(revoke)

    assert response.headers["Location"] == "/admin/people"
    assert "nora@example.org" not in pending_rows(client)
    visitor = app.test_client()
    for answer in (visitor.get(link), visitor.post(link, data=ACCOUNT_FORM)):
        assert answer.status_code == 410
        assert "This invitation was withdrawn." in answer.get_data(as_text=True)
    assert accounts_of("nora@example.org") == []
    assert client.post(revoke).status_code == 409  # nothing left to revoke or send


def test_accepted_invitation_leaves_the_pending_list_and_counts_as_a_sign_in(
    app, admin_client, mail_server
):
    client = admin_client
    nora_mail, _otto_mail = invite(client, mail_server, "nora@example.org", "otto@example.org")
    assert set(pending_rows(client)) == {"nora@example.org", "otto@example.org"}

    app.test_client().post(link_in(nora_mail.text), data=ACCOUNT_FORM)

    assert set(pending_rows(client)) == {"otto@example.org"}
    invitation = db.session.scalars(
        select(Invitation).where(Invitation.email == "nora@example.org")
    ).one()
    assert invitation.accepted_at is not None
    assert colleague_rows(client)["Nora Neu"]["cells"][3] != "never"


def test_people_page_and_invitation_buttons_are_for_admins_only(app, make_user):
    invitation = send_invitation("nora@example.org", None).invitation
    db.session.commit()
    buttons = [
        f"/admin/invitations/{invitation.id}/resend",
        f"/admin/invitations/{invitation.id}/revoke",
    ]
    visitor = app.test_client()
    for response in [visitor.get("/admin/people")] + [visitor.post(path) for path in buttons]:
        assert response.status_code == 302
        assert response.headers["Location"] == "/auth/login?next=/admin/people"
    colleague = app.test_client()
    sign_in(colleague, make_user())
    assert colleague.get("/admin/people").status_code == 403
    for path in buttons:
        assert colleague.post(path).status_code == 403
    db.session.refresh(invitation)
    assert invitation.is_pending and invitation.revoked_at is None


def test_invitation_buttons_need_the_pages_csrf_token(app_factory, make_user):
    app = app_factory(WTF_CSRF_ENABLED=True)
    admin = make_user("Ada Admin", is_admin=True)
    invitation = send_invitation("nora@example.org", None).invitation
    db.session.commit()
    client = app.test_client()
    sign_in(client, admin)
    revoke = f"/admin/invitations/{invitation.id}/revoke"

    assert client.post(revoke).status_code == 400
    db.session.refresh(invitation)
    assert invitation.revoked_at is None
    page = client.get("/admin/people").get_data(as_text=True)
    form = page[page.index(f'<form method="post" action="{revoke}">') :]
    token = csrf_token_from(form[: form.index("</form>")])  # the button's own token
    assert client.post(revoke, data={"csrf_token": token}).status_code == 302
    db.session.refresh(invitation)
    assert invitation.revoked_at is not None
