"""`flask doctor` on the settings, the mail server, Redis and the disk: each check, both ways."""

from __future__ import annotations

import secrets
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from app.extensions import db
from bench.servers import compiled_static
from tests.mailserver import MailServer, free_port
from tests.ops.support import run_doctor
from tests.support import app_for_tests, redis_answers


@pytest.fixture
def backend() -> str:
    """These checks read settings and other servers: the database kind does not matter."""
    return "sqlite"


@pytest.mark.parametrize(
    ("key", "said"),
    [
        ("too-short", "SECRET_KEY has 9 characters: short enough to guess"),
        ("x" * 40, "SECRET_KEY looks like a placeholder"),
    ],
)
def test_doctor_refuses_a_short_or_placeholder_secret_key(app_factory, key, said):
    report = run_doctor(app_factory(SECRET_KEY=key))
    assert said in report.problem("secret key")
    assert "secrets.token_urlsafe(48)" in report.lines["secret key"]
    assert report.exit_code == 1


def test_doctor_accepts_a_long_random_secret_key(app_factory):
    line = run_doctor(app_factory(SECRET_KEY=secrets.token_urlsafe(48))).ok("secret key")
    assert "64 characters" in line


@pytest.mark.parametrize(
    ("site_url", "said"),
    [
        ("http://briefe.example.org", "passwords and session cookies would cross the network"),
        ("briefe.example.org", "is not an absolute http(s) address"),
    ],
)
def test_doctor_wants_https_for_a_public_site(app_factory, site_url, said):
    line = run_doctor(app_factory(SITE_URL=site_url)).problem("site address")
    assert said in line


@pytest.mark.parametrize("site_url", ["https://briefe.example.org", "http://127.0.0.1:5000"])
def test_doctor_accepts_https_and_a_local_address(app_factory, site_url):
    assert site_url in run_doctor(app_factory(SITE_URL=site_url)).ok("site address")


def test_doctor_says_when_the_database_server_does_not_answer():
    app = app_for_tests(f"postgresql://briefwechsel:secret@127.0.0.1:{free_port()}/gone")
    with app.app_context():
        report = run_doctor(app)
        db.engine.dispose()
    line = report.problem("database")
    assert "does not answer" in line and "check DATABASE_URL" in line
    assert "secret" not in line  # the password is not printed
    assert "cannot tell" in report.problem("sender")
    assert report.exit_code == 1


def test_doctor_says_a_missing_sqlite_file_needs_flask_db_upgrade(tmp_path: Path):
    database = tmp_path / "not-there-yet.sqlite"
    app = app_for_tests(f"sqlite:///{database}")
    with app.app_context():
        line = run_doctor(app).problem("database")
    assert f"no database file at {database}" in line and "flask db upgrade" in line
    assert not database.exists()  # looking did not create an empty one


def test_doctor_finds_the_mail_server_answering(app_factory, mail_server):
    line = run_doctor(app_factory(**mail_server.settings)).ok("mail server")
    assert f"127.0.0.1:{mail_server.port} answers" in line


def test_doctor_says_when_nothing_listens_at_the_mail_servers_port(app_factory):
    port = free_port()
    settings = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port}
    line = run_doctor(app_factory(**settings)).problem("mail server")
    assert f"127.0.0.1:{port} does not answer" in line and "MAIL_PORT" in line


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that takes connections and never says a word, like a hung mail server."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(5)
        yield listener.getsockname()[1]


def test_doctor_gives_up_on_a_mail_server_that_never_answers(app_factory, silent_server):
    settings = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": silent_server, "SMTP_TIMEOUT_SECONDS": 1}
    started = time.monotonic()
    line = run_doctor(app_factory(**settings)).problem("mail server")
    assert "does not answer: no answer within 1 s" in line
    assert time.monotonic() - started < 10


def test_doctor_says_when_the_mail_server_offers_no_starttls(app_factory, mail_server):
    settings = {**mail_server.settings, "MAIL_USE_TLS": True}
    line = run_doctor(app_factory(**settings)).problem("mail server")
    assert "does not offer STARTTLS" in line


def refuse_every_login(_server, _session, _envelope, _mechanism, _auth_data) -> AuthResult:
    return AuthResult(success=False, handled=False)  # the server answers 535 itself


@pytest.fixture
def server_refusing_logins() -> Iterator[MailServer]:
    server = MailServer()
    server.controller = Controller(
        server.inbox,
        hostname="127.0.0.1",
        port=server.port,
        auth_require_tls=False,
        authenticator=refuse_every_login,
    )
    server.controller.start()
    yield server
    server.stop()


def test_doctor_says_when_the_mail_server_refuses_the_login(app_factory, server_refusing_logins):
    settings = {
        **server_refusing_logins.settings,
        "MAIL_USERNAME": "briefwechsel",
        "MAIL_PASSWORD": "not the password",
    }
    line = run_doctor(app_factory(**settings)).problem("mail server")
    assert "refused the login: 535" in line and "MAIL_PASSWORD" in line


@pytest.mark.parametrize("site_url", ["https://briefe.example.org", "http://127.0.0.1:5000"])
def test_doctor_without_a_mail_server_is_fine_locally_and_a_problem_for_a_public_site(
    app_factory, site_url
):
    report = run_doctor(app_factory(SITE_URL=site_url, MAIL_SERVER=""))
    if site_url.startswith("https"):
        assert "nobody gets notices" in report.problem("mail server")
    else:
        assert "emails go to /dev/mailbox" in report.ok("mail server")


@pytest.mark.skipif(not redis_answers(), reason="needs Redis at 127.0.0.1:6379")
def test_doctor_finds_redis_answering(app_factory):
    line = run_doctor(app_factory(REDIS_URL="redis://127.0.0.1:6379/15")).ok("redis")
    assert "answers at 127.0.0.1:6379" in line


def test_doctor_says_when_redis_does_not_answer(app_factory):
    port = free_port()
    line = run_doctor(app_factory(REDIS_URL=f"redis://127.0.0.1:{port}/0")).problem("redis")
    assert f"Redis at 127.0.0.1:{port} does not answer" in line


def test_doctor_without_redis_says_rate_limits_are_counted_per_process(app_factory):
    assert "each web process counts rate limits alone" in run_doctor(app_factory()).ok("redis")


def test_doctor_says_when_the_disk_of_the_sqlite_file_runs_full(app_factory):
    report = run_doctor(app_factory(DISK_SPACE_MIN_MB=1))
    assert "MB free in" in report.ok("disk space")
    # More than any disk here has free: the state a full disk is in.
    report = run_doctor(app_factory(DISK_SPACE_MIN_MB=2**40))
    assert "free some space" in report.problem("disk space")


def test_doctor_wants_compiled_static_files_for_a_public_site(app_factory):
    local = run_doctor(app_factory(SITE_URL="http://127.0.0.1:5000"))
    assert "plain names (development" in local.ok("static files")
    public = run_doctor(app_factory(SITE_URL="https://briefe.example.org"))
    assert "run `flask digest compile`" in public.lines["static files"]
    assert "not compiled" in public.problem("static files")


def test_doctor_says_which_static_file_changed_since_it_was_compiled(app_factory, tmp_path):
    folder = compiled_static(tmp_path / "static")
    settings = {"SITE_URL": "https://briefe.example.org", "STATIC_FOLDER": str(folder)}
    assert "compiled and current" in run_doctor(app_factory(**settings)).ok("static files")
    with (folder / "js/write.js").open("a") as script:
        script.write("\n// changed after compiling\n")
    line = run_doctor(app_factory(**settings)).problem("static files")
    assert "js/write.js changed since `flask digest compile`" in line
    assert "css/site.css" not in line


def test_doctor_warns_when_notices_go_before_replies_to_them_may_come(app_factory):
    settings = {"REPLY_DOMAIN": "reply.example.org", "REPLY_TOKEN_DAYS": 30}
    early = run_doctor(app_factory(DELIVERY_RETENTION_DAYS=14, **settings))
    assert "a reply after day 14 is refused" in early.problem("retention")
    assert "DELIVERY_RETENTION_DAYS to at least 30" in early.lines["retention"]
    assert "kept 30 days" in run_doctor(app_factory(DELIVERY_RETENTION_DAYS=30, **settings)).ok(
        "retention"
    )
