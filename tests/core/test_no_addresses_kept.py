"""Logs hold no email addresses, and rate limits keep no IP address."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import urllib.request
from pathlib import Path

import pytest
import redis

from app.extensions import db
from app.subscriptions.models import Target
from bench.servers import VENV_BIN, wait_until_up
from tests.mailserver import free_port
from tests.support import redis_answers

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/11"


def test_a_refused_address_reaches_the_log_without_its_local_part(
    app, make_user, make_letter, subscribe, mail_server, send_notices, caplog
):
    app.config.update(mail_server.settings)
    mail_server.inbox.defer("svenja.koehler@example.org")
    subscribe("svenja.koehler@example.org", Target.SITE)
    make_letter(make_user("Sven"), None)
    with caplog.at_level(logging.INFO):
        send_notices()
    logged = caplog.text
    assert "failed" in logged and "@example.org" in logged  # the domain says which server
    assert "svenja.koehler" not in logged


def test_a_traceback_that_names_an_address_is_masked_too(app, caplog):
    try:
        raise ValueError("could not store 'svenja@example.org'")
    except ValueError:
        app.logger.exception("storing failed for sven@example.org")
    record = caplog.records[-1]
    formatted = logging.Formatter().format(record)
    assert "svenja@" not in formatted and "sven@" not in formatted
    assert "…@example.org" in formatted and "ValueError" in formatted


def test_gunicorns_access_log_holds_no_address_from_a_query_string(app, tmp_path):
    db.session.commit()
    port, log = free_port(), tmp_path / "access.log"
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "SECRET_KEY": "no-addresses-in-logs",
           "SITE_URL": f"http://127.0.0.1:{port}"}  # fmt: skip
    command = [str(VENV_BIN / "gunicorn"), "--workers", "1", "--bind", f"127.0.0.1:{port}",
               "--access-logfile", str(log), "app:create_app()"]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", process)
        for query in ("svenja%40example.org", "svenja@example.org"):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/search?q={query}", timeout=10).close()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    lines = [line for line in log.read_text().splitlines() if "/search" in line]
    assert len(lines) == 2
    assert not any("svenja" in line for line in lines)


@pytest.mark.skipif(not redis_answers(), reason="needs Redis on 127.0.0.1:6379")
def test_rate_limits_count_under_a_hash_and_forget_with_their_window(app_factory):
    store = redis.Redis.from_url(REDIS_URL)
    store.flushdb()
    app = app_factory(REDIS_URL=REDIS_URL, RATELIMIT_STORAGE_URI=REDIS_URL, RATELIMIT_ENABLED=True)
    client = app.test_client()
    address = "203.0.113.77"
    for _ in range(3):
        client.post(
            "/subscribe",
            data={"email": "reader@example.org", "target": "site"},
            environ_base={"REMOTE_ADDR": address},
        )
    keys = store.keys("*")
    try:
        assert keys, "the limits counted nothing"
        assert not any(address.encode() in key for key in keys)
        assert all(0 < store.ttl(key) <= 86400 for key in keys)
    finally:
        store.flushdb()
