"""Authors the import made colleagues set their accounts up through an invitation."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import User
from app.accounts.service import authenticate
from app.extensions import db
from tests.importing.support import letter
from tests.support import PASSWORD, can_sign_in, link_in, mailbox_messages, text_of


def account_form(**fields: str) -> dict[str, str]:
    data = {"display_name": "Sven A.", "handle": "", "password": PASSWORD,
            "password_repeat": PASSWORD}  # fmt: skip
    data.update(fields)
    return data


def test_nobody_can_sign_in_to_an_imported_colleague_before_the_invitation(app, import_export):
    import_export("letters_de_en")
    assert authenticate("sven@example.org", "") is None
    assert not can_sign_in(app, "sven@example.org", "")


def test_an_invited_author_takes_over_the_account_with_their_letters(app, runner, import_export):
    import_export("letters_de_en")
    sven = db.session.scalars(select(User).where(User.email == "sven@example.org")).one()
    result = runner.invoke(args=["users", "invite", "Sven@Example.org"])
    assert result.exit_code == 0, result.output
    assert "Invitation sent to sven@example.org." in result.output
    path = link_in(text_of(mailbox_messages()[-1]))
    visitor = app.test_client()
    assert visitor.get(path).status_code == 200
    assert visitor.post(path, data=account_form()).status_code == 302
    db.session.expire_all()
    owner = db.session.scalars(select(User).where(User.email == "sven@example.org")).one()
    assert owner.id == sven.id and owner.handle == "sven"
    assert owner.display_name == "Sven A." and owner.confirmed_at is not None
    assert letter("ueber-zuhoeren").author_id == owner.id
    assert can_sign_in(app, "sven@example.org", PASSWORD)
    # The invitation is used: the link opens no second account, nor this one again.
    assert app.test_client().get(path).status_code == 410


def test_a_colleague_who_set_up_their_account_is_not_invited_again(make_user, runner):
    make_user("Sven Albrecht", email="sven@example.org")
    result = runner.invoke(args=["users", "invite", "sven@example.org"])
    assert result.exit_code == 1
    assert "This colleague has an account already." in result.output
