"""Servers on loopback for the benchmarks and the tests: gunicorn, and the deploy/ nginx site.

`nginx_config` runs the site of deploy/nginx/ as it is, with its cache, its cookie map, its
upstream and its locations; only what belongs to one machine is put in: the app's port, the
cache folder, the static folder, and a plain-http server on a free port instead of the
TLS servers.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
DEPLOY = ROOT / "deploy" / "nginx"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(
    app_spec: str,
    port: int,
    env: dict[str, str],
    cwd: Path = ROOT,
    options: tuple[str, ...] = ("--workers", "2"),
) -> subprocess.Popen:
    command = [str(VENV_BIN / "gunicorn"), "--log-level", "warning", *options,
               "--bind", f"127.0.0.1:{port}", app_spec]  # fmt: skip
    return subprocess.Popen(
        command, cwd=cwd, env={**os.environ, **env}, start_new_session=True,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip


def stop_server(process: subprocess.Popen) -> None:
    """SIGTERM the whole process group (master and workers), SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def fetch(url: str, headers: dict[str, str] | None = None) -> bytes:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200, (url, response.status)
        return response.read()


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server for {url} exited with {process.returncode}")
        try:
            fetch(url)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def find_nginx() -> str | None:
    """Debian's nginx (in /usr/sbin, which a user's PATH may leave out)."""
    return shutil.which("nginx", path=f"{os.environ.get('PATH', '')}:/usr/sbin")


def replaced(text: str, old: str, new: str) -> str:
    if old not in text:
        raise ValueError(f"deploy/nginx no longer has {old!r}: update bench/servers.py")
    return text.replace(old, new)


def compiled_static(folder: Path) -> Path:
    """A copy of static/ in `folder`, with the hashed copies `flask digest compile` adds."""
    shutil.copytree(ROOT / "static", folder)
    environment = {**os.environ, "STATIC_FOLDER": str(folder), "FLASK_APP": "app:create_app"}
    command = [str(VENV_BIN / "flask"), "digest", "compile"]
    subprocess.run(command, cwd=ROOT, env=environment, check=True, capture_output=True)
    return folder


def nginx_config(folder: Path, port: int, app_port: int, static: Path = ROOT / "static") -> Path:
    """An nginx.conf in `folder` that serves the deploy/ site on `port` in front of the app."""
    site = (DEPLOY / "briefwechsel.conf").read_text()
    http_part = site[: site.index("\nserver {")]
    http_part = replaced(http_part, "/var/cache/nginx/briefwechsel", str(folder / "cache"))
    http_part = replaced(http_part, "server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};")
    locations = (DEPLOY / "briefwechsel-locations.conf").read_text()
    locations = replaced(locations, "/srv/briefwechsel/static/", f"{static}/")
    (folder / "locations.conf").write_text(locations)
    temporary = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # As root, nginx's workers would run as nobody, who cannot read a checkout under /root.
    user = "user root root;\n" if os.geteuid() == 0 else ""
    config = folder / "nginx.conf"
    config.write_text(
        f"{user}worker_processes auto;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} warn;\ndaemon off;\n"
        "events { worker_connections 1024; }\n"
        f"http {{\n    include /etc/nginx/mime.types;\n    access_log off;\n{temporary}\n"
        f"{http_part}\n"
        f"server {{\n    listen 127.0.0.1:{port};\n    include {folder / 'locations.conf'};\n}}\n"
        "}\n"
    )
    return config


def start_nginx(
    folder: Path, port: int, app_port: int, static: Path = ROOT / "static"
) -> subprocess.Popen:
    """nginx with the deploy/ site on 127.0.0.1:port, in front of the app on app_port."""
    nginx = find_nginx()
    if nginx is None:
        raise RuntimeError("nginx is missing: apt-get install nginx")
    config = nginx_config(folder, port, app_port, static)
    command = [nginx, "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(config)]
    return subprocess.Popen(command, start_new_session=True, stdin=subprocess.DEVNULL)
