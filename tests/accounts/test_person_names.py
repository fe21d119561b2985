"""A person's name never passes for an email address, wherever it is set."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from tests.support import PASSWORD, letter_form, link_in, sign_in, text_of

ADDRESS_LIKE = [
    'Sven Albrecht <sven@example.org> "',
    "sven@example.org",
    "Sven Albrecht <sven>",
    'Sven "the boss" Albrecht',
    "Sven Albrecht ＜sven＠example.org＞",  # full-width look-alikes
]
ORDINARY = ["Svenja Köhler", "Seán O'Brien", "Jean-Luc Dupont", "Dr. Anna Schmidt-Ott", "李小龍"]
REFUSAL = "A name cannot contain &lt;, &gt;, @ or &#34;."


def profile_form(**fields: str) -> dict[str, str]:
    data = {
        "display_name": "Svenja Köhler",
        "role_line": "",
        "bio": "",
        "salutation_name": "Svenja",
        "greeting_de": "Liebe",
        "default_closing": "Gruß",
        "locale": "de",
        "timezone": "Europe/Berlin",
    }
    data.update(fields)
    return data


def invitation_form(name: str) -> dict[str, str]:
    return {"display_name": name, "handle": "", "password": PASSWORD, "password_repeat": PASSWORD}


def field_error(page: str, field: str) -> str:
    start = page.index(f'id="{field}-error"')
    return page[page.index(">", start) + 1 : page.index("<", start)]


@pytest.mark.parametrize("name", ADDRESS_LIKE)
def test_settings_refuse_a_name_that_looks_like_an_address(client, make_user, name):
    user = make_user("Sven Albrecht")
    sign_in(client, user)
    response = client.post("/settings", data=profile_form(display_name=name))
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "display_name") == REFUSAL
    db.session.refresh(user)
    assert user.display_name == "Sven Albrecht"


def test_settings_refuse_an_address_as_the_salutation_name(client, make_user):
    user = make_user("Svenja Köhler")
    sign_in(client, user)
    response = client.post("/settings", data=profile_form(salutation_name="<svenja@example.org>"))
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "salutation_name") == REFUSAL
    db.session.refresh(user)
    assert user.salutation_name == ""


@pytest.mark.parametrize("name", ORDINARY)
def test_settings_keep_ordinary_names(client, make_user, name):
    user = make_user()
    sign_in(client, user)
    assert client.post("/settings", data=profile_form(display_name=name)).status_code == 302
    db.session.refresh(user)
    assert user.display_name == name


def test_a_salutation_name_still_greets_liebe_svenja(client, make_user):
    svenja = make_user("Svenja Köhler", handle="svenja")
    sign_in(client, svenja)
    client.post("/settings", data=profile_form(salutation_name="Svenja", greeting_de="Liebe"))
    client.post("/auth/logout")
    sign_in(client, make_user("Sven Albrecht"))
    response = client.post(
        "/letters/new",
        data=letter_form(addressee="svenja", addressee_name="", salutation="Liebe Svenja,"),
    )
    assert response.status_code == 302
    assert "Liebe Svenja," in client.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize("name", ADDRESS_LIKE[:2])
def test_invitation_acceptance_refuses_a_name_that_looks_like_an_address(
    client, runner, mailbox, name
):
    runner.invoke(args=["users", "invite", "nora@example.org"])
    path = link_in(text_of(mailbox()[0]))
    response = client.post(path, data=invitation_form(name))
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "display_name") == REFUSAL
    assert db.session.scalars(select(User)).all() == []
    assert client.post(path, data=invitation_form("Nora Neu")).status_code == 302


@pytest.mark.parametrize("name", ADDRESS_LIKE[:2])
def test_users_create_refuses_a_name_that_looks_like_an_address(runner, name):
    result = runner.invoke(
        args=["users", "create", "sven@example.org", "--name", name], input=PASSWORD + "\n"
    )
    assert result.exit_code == 1
    assert 'A name cannot contain <, >, @ or ".' in result.output
    assert "Traceback" not in result.output
    assert db.session.scalars(select(User)).all() == []


def test_the_demo_people_have_valid_names(runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert len(db.session.scalars(select(User)).all()) == 3
