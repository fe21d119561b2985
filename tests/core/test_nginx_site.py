"""The deploy/ nginx site keeps signed-out readers' pages briefly and never a colleague's.

nginx (Debian's, skipped where missing) runs deploy/nginx/ in front of gunicorn on the
test's database; its X-Cache-Status says whether it answered from its cache.
"""

from __future__ import annotations

import gzip
import re
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask import Flask

from app.extensions import db
from bench.servers import (
    compiled_static,
    find_nginx,
    free_port,
    nginx_config,
    start_gunicorn,
    start_nginx,
    stop_server,
    wait_until_up,
)
from tests.support import PASSWORD

pytestmark = pytest.mark.skipif(find_nginx() is None, reason="needs nginx (apt-get install nginx)")


@pytest.fixture
def proxy(app: Flask, tmp_path: Path, make_user, make_letter) -> Iterator[str]:
    """nginx on a free port in front of one gunicorn worker; its address."""
    svenja = make_user("Svenja Köhler", email="svenja@example.org", handle="svenja")
    make_letter(svenja, title="On slow decisions", body="We decide too quickly.")
    db.session.commit()
    app_port, port = free_port(), free_port()
    static = compiled_static(tmp_path / "static")
    environment = {"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "nginx",
                   "SITE_URL": f"http://127.0.0.1:{port}", "REDIS_URL": "",
                   "TRUSTED_PROXIES": "1", "STATIC_FOLDER": str(static)}  # fmt: skip
    servers = [start_gunicorn("app:create_app()", app_port, environment, options=("-w", "1"))]
    try:
        wait_until_up(f"http://127.0.0.1:{app_port}/healthz", servers[0])
        servers.append(start_nginx(tmp_path, port, app_port, static))
        wait_until_up(f"http://127.0.0.1:{port}/healthz", servers[1])
        yield f"http://127.0.0.1:{port}"
    finally:
        for server in reversed(servers):
            stop_server(server)


def get(url: str, opener=None, **headers: str) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with (opener or urllib.request.build_opener()).open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:  # 304 and the like
        return error.code, dict(error.headers), ""


def signed_in_browser(proxy: str):
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    html = browser.open(f"{proxy}/auth/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    form = {"email": "svenja@example.org", "password": PASSWORD, "csrf_token": token}
    browser.open(f"{proxy}/auth/login", data=urlencode(form).encode()).close()
    return browser


def test_the_site_passes_nginx_own_check(tmp_path):
    config = nginx_config(tmp_path, free_port(), free_port())
    command = [find_nginx(), "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"),
               "-c", str(config)]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_signed_out_readers_are_answered_from_nginx(proxy):
    letter = f"{proxy}/letters/on-slow-decisions"
    status, headers, first = get(letter)
    assert status == 200 and headers["X-Cache-Status"] == "MISS"
    status, headers, again = get(letter)
    assert status == 200 and headers["X-Cache-Status"] == "HIT" and again == first
    status, headers, _ = get(letter, **{"If-None-Match": headers["ETag"]})
    assert status == 304 and headers["X-Cache-Status"] == "HIT"
    _, headers, german = get(letter, **{"Accept-Language": "de"})
    assert headers["X-Cache-Status"] == "MISS" and '<html lang="de">' in german
    assert get(letter, **{"Accept-Language": "de"})[1]["X-Cache-Status"] == "HIT"


def test_a_session_cookie_is_never_answered_from_nor_kept_in_nginx(proxy):
    letter = f"{proxy}/letters/on-slow-decisions"
    get(letter)
    browser = signed_in_browser(proxy)
    for _ in range(2):
        status, headers, mine = get(letter, browser)
        assert status == 200 and headers["X-Cache-Status"] == "BYPASS"
        assert "Sign out" in mine and headers["Cache-Control"] == "private, no-store"
    status, headers, page = get(letter)
    assert headers["X-Cache-Status"] == "HIT" and "Sign out" not in page
    headers = get(letter, Cookie="session=made-up")[1]
    assert headers["X-Cache-Status"] == "BYPASS"


def test_pages_with_a_form_token_are_never_kept(proxy):
    for _ in range(2):
        status, headers, page = get(f"{proxy}/auth/login")
        assert status == 200 and 'name="csrf_token"' in page
        assert headers["X-Cache-Status"] == "MISS"


def test_static_files_come_from_nginx_a_year_under_their_hashed_names(proxy):
    page = get(f"{proxy}/letters/on-slow-decisions")[2]
    hashed = re.search(r'href="(/static/css/site-[0-9a-f]{32}\.css)"', page).group(1)
    status, headers, css = get(f"{proxy}{hashed}")
    assert status == 200 and "X-Cache-Status" not in headers  # not proxied: nginx read the file
    assert (
        "max-age=31536000" in headers["Cache-Control"] and "immutable" in headers["Cache-Control"]
    )
    assert css == (Path(__file__).resolve().parents[2] / "static/css/site.css").read_text()
    request = urllib.request.Request(f"{proxy}{hashed}", headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers["Content-Encoding"] == "gzip"  # the compiled .gz copy
        assert gzip.decompress(response.read()).decode() == css


def test_static_files_under_their_plain_names_are_kept_an_hour(proxy):
    status, headers, css = get(f"{proxy}/static/css/site.css")
    assert status == 200 and headers["Cache-Control"] == "max-age=3600"
    assert css == (Path(__file__).resolve().parents[2] / "static/css/site.css").read_text()
    assert "X-Cache-Status" not in headers
