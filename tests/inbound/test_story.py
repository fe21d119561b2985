"""Done when: Svenja replies to her notice from her mail client, gets the review link,
publishes, and Sven's notice of her answer arrives threaded under the earlier ones."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from app.extensions import db
from tests.inbound.replying import CHECKOUT, reply_message, reply_to_of, send_lmtp
from tests.mailserver import free_port
from tests.support import link_in, sign_in

APPLE_MAIL_REPLY = """Lieber Sven,

das Zuhören beginnt bei mir mit einer Frage.

Viele Grüße
Svenja

> Am 03.03.2025 um 10:00 schrieb Sven Albrecht <sven@example.org>:
>
> Liebe Svenja,
> wie hältst du es mit dem Zuhören?
"""


def test_svenja_answers_from_her_mail_client_and_sven_gets_it_threaded(
    app, listener, make_letter, sven_and_svenja, mail_server
):
    sven, svenja = sven_and_svenja
    first = make_letter(sven, svenja, title="Über Zuhören", language="de")
    second = make_letter(svenja, sven, parent=first, title="Re: Über Zuhören", language="de")
    make_letter(sven, svenja, parent=second, title="Zuhören, weiter", language="de")
    to_svenja = [m for m in mail_server.inbox.wait_for(3) if m.recipients == [svenja.email]]
    notice = to_svenja[-1]  # the notice of Sven's latest letter
    assert (
        send_lmtp(listener.port, reply_message(notice, APPLE_MAIL_REPLY), reply_to_of(notice)).code
        == 250
    )

    review = mail_server.inbox.wait_for(4)[-1]
    assert review.recipients == [svenja.email]
    client = app.test_client()
    sign_in(client, svenja)
    path = link_in(review.text)
    page = client.get(path).get_data(as_text=True)
    assert "das Zuhören beginnt bei mir mit einer Frage." in page
    assert client.post(path + "/publish").status_code == 302

    db.session.commit()
    to_sven = [m for m in mail_server.inbox.wait_for(5) if m.recipients == [sven.email]]
    answer = to_sven[-1]
    assert "Svenja" in str(answer.message["Subject"])
    earlier = {str(mail.message["Message-ID"]) for mail in to_sven[:-1]}
    references = str(answer.message["References"]).split()
    # Under Svenja's earlier letter to Sven and Sven's own letters' ids in his mailbox.
    assert str(answer.message["In-Reply-To"]) == references[-1]
    assert set(references) >= earlier and len(references) == 3


def test_the_procfile_listener_waits_quietly_without_reply_domain_and_listens_with_it(
    app,
):
    """`make run` starts `flask mail lmtp --if-configured` beside web and sender."""
    procfile = (CHECKOUT / "Procfile").read_text()
    assert "flask mail lmtp" in procfile and "--if-configured" in procfile
    env = {**os.environ, "FLASK_APP": "app", "SECRET_KEY": "x" * 40, "PYTHONUNBUFFERED": "1"}
    env["DATABASE_URL"] = app.config["SQLALCHEMY_DATABASE_URI"]
    command = [sys.executable, "-m", "flask", "mail", "lmtp", "--if-configured"]
    lines = {}
    for domain in ("", "r.example"):
        process = subprocess.Popen(
            [*command, "--port", str(free_port())], env={**env, "REPLY_DOMAIN": domain},
            cwd=CHECKOUT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            assert process.stdout is not None
            lines[domain] = first_line_saying(process, b"replies")
            time.sleep(0.5)
            assert process.poll() is None  # still running: honcho would not stop the others
        finally:
            process.terminate()
            assert process.wait(timeout=10) == 0
            process.stdout.close()
    assert b"nothing to listen for" in lines[""]
    assert b"Taking replies for r.example" in lines["r.example"]


def first_line_saying(process: subprocess.Popen[bytes], word: bytes) -> bytes:
    """The first line of the process's output with the word (log lines come first)."""
    assert process.stdout is not None
    for line in iter(process.stdout.readline, b""):
        if word in line:
            return line
    return b""
