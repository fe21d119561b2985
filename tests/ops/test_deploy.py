"""deploy/: gunicorn's configuration serves the site, the systemd units pass systemd's checks."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.mailserver import free_port
from tests.ops.support import migrated_site
from tests.ops.test_health_and_metrics import metric
from tests.support import database_url, occupy_a_worker

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
STARTUP_SECONDS = 120  # a loaded machine starts two workers slowly


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode()


@pytest.fixture
def gunicorn(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """gunicorn started with deploy/gunicorn.conf.py and two workers on a loopback port."""
    url = database_url("sqlite", tmp_path)
    with migrated_site(url):
        port = free_port()
        metrics_folder = tmp_path / "metrics"
        environment = {
            **os.environ,
            "DATABASE_URL": url,
            "SECRET_KEY": secrets.token_urlsafe(48),
            "SITE_URL": f"http://127.0.0.1:{port}",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": "2",
            "PROMETHEUS_MULTIPROC_DIR": str(metrics_folder),
        }
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", str(DEPLOY / "gunicorn.conf.py")],
            cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            wait_for_workers(server, port)
            yield f"http://127.0.0.1:{port}", metrics_folder
        finally:
            server.terminate()
            output, _ = server.communicate(timeout=60)
    assert server.returncode == 0, output.decode()
    assert b'"GET /healthz HTTP/1.1" 200' in output  # the access log, on standard output


def wait_for_workers(server: subprocess.Popen[bytes], port: int) -> None:
    """Until the site answers, then long enough for the second worker to boot too."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        assert server.poll() is None, "gunicorn stopped"
        try:
            get(f"http://127.0.0.1:{port}/healthz")
            break
        except OSError:
            assert time.monotonic() < deadline, "gunicorn did not answer"
            time.sleep(0.2)


def test_gunicorn_config_serves_the_site_and_metrics_add_up_every_worker(gunicorn):
    site, metrics_folder = gunicorn
    port = int(site.rsplit(":", 1)[1])
    before = metric(get(f"{site}/metrics"), "briefwechsel_http_requests_total",
                    endpoint="ops.healthz", status="200")  # fmt: skip
    waiting = occupy_a_worker(port)
    try:
        for _ in range(10):  # all answered by the other worker: this one is busy
            assert '"ok"' in get(f"{site}/healthz")
        waiting.sendall(b"\r\n")
        assert waiting.recv(4096).startswith(b"HTTP/1.1 200")
    finally:
        waiting.close()
    for _ in range(4):  # each scrape is answered by one worker or the other
        scraped = get(f"{site}/metrics")
        counted = metric(scraped, "briefwechsel_http_requests_total",
                         endpoint="ops.healthz", status="200")  # fmt: skip
        assert counted - before == 11
    workers_counting = {path.name.split("_")[-1] for path in metrics_folder.glob("*.db")}
    assert len(workers_counting) == 2, workers_counting


UNITS = sorted(path.name for path in (DEPLOY / "systemd").iterdir())


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="needs systemd-analyze")
def test_systemd_units_pass_systemd_analyze_verify(tmp_path: Path):
    """Checked in a root of their own, where the programs they name exist."""
    root = tmp_path / "root"
    units = root / "etc/systemd/system"
    units.mkdir(parents=True)
    # The system's own units (the targets ours are wanted by) in the checked root too.
    shutil.copytree("/lib/systemd/system", root / "usr/lib/systemd/system", symlinks=True)
    for name in UNITS:
        text = (DEPLOY / "systemd" / name).read_text()
        (units / name).write_text(text)
        for program in re.findall(r"^Exec\w*=[-@:+!]*(/\S+)", text, flags=re.M):
            stand_in = root / program.lstrip("/")
            stand_in.parent.mkdir(parents=True, exist_ok=True)
            stand_in.write_text("#!/bin/sh\n")
            stand_in.chmod(0o755)
    paths = [f"/etc/systemd/system/{name}" for name in UNITS]
    result = subprocess.run(
        ["systemd-analyze", "verify", f"--root={root}", *paths],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0 and result.stdout + result.stderr == "", result.stderr
    assert {"briefwechsel-web.service", "briefwechsel-sender.service"} <= set(UNITS)


def test_environment_example_names_only_settings_that_are_read():
    read = (ROOT / "app/config.py").read_text() + (DEPLOY / "gunicorn.conf.py").read_text()
    example = (DEPLOY / "environment.example").read_text()
    names = re.findall(r"^#? ?([A-Z][A-Z_]+)=", example, flags=re.M)
    assert names, "the example names no settings"
    assert [name for name in names if f'"{name}"' not in read] == []
