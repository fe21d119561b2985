"""Password reset by an emailed link that works once, for a limited time."""

from __future__ import annotations

import statistics
import time

import pytest

from app.accounts.service import create_user
from app.config import DEFAULTS
from app.extensions import db
from tests.support import PASSWORD, can_sign_in, link_in, sign_in, text_of

NEW_PASSWORD = "a brand new passphrase"
SAME_ANSWER = "If an account uses this address, we have sent it a link"


def new_password_form(password: str = NEW_PASSWORD) -> dict[str, str]:
    return {"password": password, "password_repeat": password}


@pytest.fixture
def smtp_app(app_factory, mail_server):
    return app_factory(**mail_server.settings)


def test_same_answer_for_known_and_unknown_address_and_mail_only_for_known(smtp_app, mail_server):
    create_user("known@example.org", "Known Person", PASSWORD)
    db.session.commit()
    client = smtp_app.test_client()
    answers = []
    for address in ("nobody@example.org", "Known@Example.org"):
        response = client.post("/auth/reset", data={"email": address})
        answers.append((response.status_code, response.headers["Location"]))
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert SAME_ANSWER in page
    assert answers[0] == answers[1] == (302, "/auth/login")
    (mail,) = mail_server.inbox.wait_for(2, timeout=1)
    assert mail.recipients == ["known@example.org"]
    assert mail.message["Subject"] == "Reset your password"
    assert "Hello Known Person," in mail.text
    assert "it works once, for 60 minutes" in mail.text
    assert link_in(mail.text).startswith("/auth/reset/")


def test_reset_link_sets_new_password_once(smtp_app, mail_server):
    create_user("known@example.org", "Known Person", PASSWORD)
    db.session.commit()
    smtp_app.test_client().post("/auth/reset", data={"email": "known@example.org"})
    (mail,) = mail_server.inbox.wait_for(1)
    path = link_in(mail.text)
    client = smtp_app.test_client()
    assert client.get(path).status_code == 200
    response = client.post(path, data=new_password_form())
    assert response.status_code == 302
    assert "Sign out" in client.get("/").get_data(as_text=True)
    assert not can_sign_in(smtp_app, "known@example.org", PASSWORD)
    assert can_sign_in(smtp_app, "known@example.org", NEW_PASSWORD)

    again = smtp_app.test_client()
    assert again.get(path).status_code == 410
    second = again.post(path, data=new_password_form("an attacker's choice"))
    assert second.status_code == 410
    assert "expired or was used already" in second.get_data(as_text=True)
    assert can_sign_in(smtp_app, "known@example.org", NEW_PASSWORD)


def test_reset_link_expires_after_an_hour(client, make_user, mailbox, issued_days_ago):
    user = make_user()
    with issued_days_ago(61 / 1440):
        client.post("/auth/reset", data={"email": user.email})
    with issued_days_ago(59 / 1440):
        client.post("/auth/reset", data={"email": user.email})
    late, early = (link_in(text_of(message)) for message in mailbox())
    assert client.post(late, data=new_password_form()).status_code == 410
    assert client.get(early).status_code == 200


def test_reset_signs_out_other_sessions(app, make_user, mailbox):
    user = make_user()
    elsewhere = app.test_client()
    sign_in(elsewhere, user)
    assert "Sign out" in elsewhere.get("/").get_data(as_text=True)
    client = app.test_client()
    client.post("/auth/reset", data={"email": user.email})
    client.post(link_in(text_of(mailbox()[0])), data=new_password_form())
    assert "Sign out" not in elsewhere.get("/").get_data(as_text=True)


def test_all_earlier_reset_links_die_with_the_first_use(client, make_user, mailbox):
    user = make_user()
    client.post("/auth/reset", data={"email": user.email})
    client.post("/auth/reset", data={"email": user.email})
    first, second = (link_in(text_of(message)) for message in mailbox())
    assert client.post(second, data=new_password_form()).status_code == 302
    assert client.get(first).status_code == 410


def test_reset_form_shows_field_messages(client, make_user, mailbox):
    user = make_user()
    client.post("/auth/reset", data={"email": user.email})
    path = link_in(text_of(mailbox()[0]))
    short = client.post(path, data=new_password_form("short"))
    assert short.status_code == 422
    assert 'id="password-error"' in short.get_data(as_text=True)
    differ = client.post(path, data={"password": NEW_PASSWORD, "password_repeat": "other one!"})
    assert differ.status_code == 422
    assert "The passwords differ." in differ.get_data(as_text=True)
    db.session.refresh(user)
    assert can_sign_in(client.application, user.email, PASSWORD)


def test_reset_link_confirms_an_unconfirmed_address(client, make_user, mailbox):
    user = make_user(confirmed=False)
    client.post("/auth/reset", data={"email": user.email})
    client.post(link_in(text_of(mailbox()[0])), data=new_password_form())
    db.session.refresh(user)
    assert user.confirmed_at is not None


@pytest.mark.parametrize(
    "address",
    [
        "known@example.org\r\nBcc: x@example.org",
        "known@example.org\nBcc: x@example.org",
        "known@example.org\r\n",
        "known@example.org%0d%0aBcc:x@example.org",
    ],
)
def test_reset_request_refuses_header_injection(smtp_app, mail_server, address):
    create_user("known@example.org", "Known Person", PASSWORD)
    db.session.commit()
    response = smtp_app.test_client().post("/auth/reset", data={"email": address})
    assert response.status_code == 422
    assert 'id="email-error"' in response.get_data(as_text=True)
    assert mail_server.inbox.wait_for(1, timeout=0.3) == []


def test_reset_requests_are_limited_per_ip(app_factory):
    app = app_factory(RATELIMIT_ENABLED=True)
    client = app.test_client()
    for number in range(10):
        assert (
            client.post("/auth/reset", data={"email": f"p{number}@example.org"}).status_code == 302
        )
    response = client.post("/auth/reset", data={"email": "p10@example.org"})
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)


def test_others_asking_for_my_reset_links_never_stop_me_asking(app_factory, mailbox):
    """Past the address's allowance the answer stays the same; only the mails stop."""
    app = app_factory(RATELIMIT_ENABLED=True)
    create_user("victim@example.org", "Victim Person", PASSWORD)
    db.session.commit()
    client = app.test_client()
    for number in range(5):
        response = client.post(
            "/auth/reset",
            data={"email": "victim@example.org"},
            environ_base={"REMOTE_ADDR": f"10.1.0.{number}"},
        )
        assert response.status_code == 302
    response = client.post(
        "/auth/reset",
        data={"email": "Victim@example.org"},
        environ_base={"REMOTE_ADDR": "10.1.1.1"},
    )
    assert (response.status_code, response.headers["Location"]) == (302, "/auth/login")
    assert SAME_ANSWER in client.get("/auth/login").get_data(as_text=True)
    mails = mailbox()
    assert [mail["To"] for mail in mails] == ["victim@example.org"] * 5
    # any link in the inbox still works for its owner
    path = link_in(text_of(mails[-1]))
    assert client.post(path, data=new_password_form()).status_code == 302
    assert can_sign_in(app, "victim@example.org", NEW_PASSWORD)


def test_unknown_and_known_address_take_similar_time(app_factory, mail_server):
    smtp_app = app_factory(
        RESET_ANSWER_SECONDS=DEFAULTS["RESET_ANSWER_SECONDS"], **mail_server.settings
    )
    create_user("known@example.org", "Known Person", PASSWORD)
    db.session.commit()
    client = smtp_app.test_client()

    def median_seconds(address: str) -> float:
        durations = []
        for _ in range(5):
            start = time.perf_counter()
            assert client.post("/auth/reset", data={"email": address}).status_code == 302
            durations.append(time.perf_counter() - start)
        return statistics.median(durations)

    unknown, known = median_seconds("nobody@example.org"), median_seconds("known@example.org")
    assert len(mail_server.inbox.wait_for(5)) == 5
    assert 1 / 1.5 < unknown / known < 1.5, (unknown, known)


def test_reset_answers_the_same_when_the_mail_server_is_down(smtp_app, mail_server):
    create_user("known@example.org", "Known Person", PASSWORD)
    db.session.commit()
    mail_server.stop()
    client = smtp_app.test_client()
    for address in ("known@example.org", "nobody@example.org"):
        response = client.post("/auth/reset", data={"email": address})
        assert (response.status_code, response.headers["Location"]) == (302, "/auth/login")
