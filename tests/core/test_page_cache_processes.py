"""Two gunicorn workers on one database: after a write through one, neither serves the old page.

Each worker keeps pages of its own (or both share Redis with REDIS_URL). Readers fetch a
letter many times at once, so that both workers serve it and keep it; its author then edits
it through the site, and every read after the edit's answer, from either worker, shows the
new text. gunicorn's access log names the worker (its pid) and whether the page was kept.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask import Flask

from app.extensions import db
from tests.support import PASSWORD, occupy_a_worker, redis_answers

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
# A Redis database of this test's own: the rate limits of its sign-ins are kept there too,
# and removed after it, so that runs on one day do not add up to the daily limit.
REDIS_URL = "redis://127.0.0.1:6379/13"
READS = 48


@dataclass
class Site:
    url: str
    log: Path
    process: subprocess.Popen

    def reads(self, path: str) -> list[tuple[str, str]]:
        """(worker pid, hit or miss) of every GET of the path so far: whole lines only, as
        a worker may be writing the last one while it is read."""
        text = self.log.read_text()
        lines = text.splitlines()[: text.count("\n")]
        return [(pid, kept) for pid, method, where, kept in (line.split() for line in lines)
                if method == "GET" and where == path]  # fmt: skip


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "gunicorn stopped"
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("gunicorn did not answer within 60 s")


@pytest.fixture
def serve(app: Flask, tmp_path: Path) -> Iterator:
    """Start gunicorn with two workers on the test's database (extra environment given)."""
    started: list[subprocess.Popen] = []

    def start(**environment: str) -> Site:
        db.session.commit()
        port, log = free_port(), tmp_path / f"access-{len(started)}.log"
        env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
               "SECRET_KEY": "two-workers", "SITE_URL": f"http://127.0.0.1:{port}",
               "REDIS_URL": "", **environment}  # fmt: skip
        command = [str(GUNICORN), "--workers", "2", "--bind", f"127.0.0.1:{port}",
                   "--access-logfile", str(log),
                   "--access-logformat", "%(p)s %(m)s %(U)s %({x-page-cache}o)s",
                   "app:create_app()"]  # fmt: skip
        process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
        started.append(process)
        site = Site(f"http://127.0.0.1:{port}", log, process)
        wait_until_up(site.url, process)
        return site

    yield start
    for process in started:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def read_at_once(site: Site, path: str) -> list[str]:
    """READS signed-out readers fetch the page, eight at a time."""

    def fetch(_: int) -> str:
        with urllib.request.urlopen(site.url + path, timeout=30) as response:
            return response.read().decode()

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(fetch, range(READS)))


def read_from_each_worker(site: Site, path: str) -> list[str]:
    """Read through one worker while the other waits on an unfinished request, then turn about.

    Kept pages are quick, so left alone one worker may answer every read.
    """
    port = int(site.url.rsplit(":", 1)[1])
    first = occupy_a_worker(port)
    pages = read_at_once(site, path)  # all through the worker that is not waiting
    second = occupy_a_worker(port)  # taken by that worker, the only one free
    time.sleep(0.3)
    release(first)
    pages += read_at_once(site, path)  # all through the worker that waited first
    release(second)
    return pages


def release(waiting: socket.socket) -> None:
    """Send the last line of the unfinished request and read its answer."""
    waiting.sendall(b"\r\n")
    waiting.recv(4096)
    waiting.close()


def edit_through_the_site(site: Site, email: str, slug: str, body: str) -> None:
    """Sign in and edit the letter as its author does, with the pages' form tokens."""
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def post(path: str, **fields: str) -> None:
        html = browser.open(site.url + path).read().decode()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        data = urlencode({**fields, "csrf_token": token}).encode()
        browser.open(site.url + path, data=data).close()

    post("/auth/login", email=email, password=PASSWORD)
    post(f"/letters/{slug}/edit", addressee="", addressee_name="Readers", language="en",
         title="On slow decisions", salutation="", body=body, closing="Best",
         signature="Svenja", postscript="", publish="Publish")  # fmt: skip


def workers(reads: list[tuple[str, str]], kept: str | None = None) -> set[str]:
    return {pid for pid, how in reads if kept is None or how == kept}


def check_no_worker_serves_the_old_page(site: Site, slug: str, email: str) -> None:
    path = f"/letters/{slug}"
    for _ in range(5):  # until both workers have kept the page (bounded)
        pages = read_from_each_worker(site, path)
        assert all("We decide too quickly." in page for page in pages)
        if len(workers(site.reads(path), "hit")) == 2:
            break
    assert len(workers(site.reads(path), "hit")) == 2, "both workers should keep the page"
    edit_through_the_site(site, email, slug, "We decide too slowly, on second thought.")
    edited = len(site.reads(path))  # the redirect after the edit was the author's read
    for _ in range(5):  # until both workers have served readers since (bounded)
        pages = read_from_each_worker(site, path)
        assert all("on second thought" in page for page in pages)
        if len(workers(site.reads(path)[edited:])) == 2:
            break
    assert len(workers(site.reads(path)[edited:])) == 2, "both workers should have served"


@pytest.fixture
def letter_slug(make_user, make_letter) -> tuple[str, str]:
    svenja = make_user("Svenja Köhler", email="svenja@example.org")
    letter = make_letter(svenja, title="On slow decisions", body="We decide too quickly.")
    return letter.slug, svenja.email


def test_two_workers_never_serve_a_page_older_than_a_write(serve, letter_slug):
    slug, email = letter_slug
    check_no_worker_serves_the_old_page(serve(), slug, email)


@pytest.mark.skipif(not redis_answers(), reason="needs Redis on 127.0.0.1:6379")
def test_two_workers_sharing_redis_never_serve_a_page_older_than_a_write(serve, letter_slug):
    import redis

    prefix = f"test-pages-{uuid.uuid4().hex}:"
    slug, email = letter_slug
    try:
        site = serve(REDIS_URL=REDIS_URL, PAGE_CACHE_PREFIX=prefix)
        check_no_worker_serves_the_old_page(site, slug, email)
        assert redis.Redis.from_url(REDIS_URL).exists(f"{prefix}version")
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        for pattern in (f"{prefix}*", "LIMITS:*"):
            for key in client.scan_iter(pattern):
                client.delete(key)
