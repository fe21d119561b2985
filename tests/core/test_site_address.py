"""Links in emails, feeds and pages follow the address `make run` serves on."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from app import create_app
from app.config import settings_from_environment
from app.web import absolute_url

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "host,port,site_url",
    [
        ("127.0.0.1", "5077", "http://127.0.0.1:5077"),
        ("0.0.0.0", "8000", "http://127.0.0.1:8000"),
        ("localhost", "5000", "http://localhost:5000"),
        ("::1", "5001", "http://[::1]:5001"),
    ],
)
def test_without_site_url_links_follow_host_and_port(monkeypatch, host, port, site_url):
    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.setenv("HOST", host)
    monkeypatch.setenv("PORT", port)
    assert settings_from_environment()["SITE_URL"] == site_url


def test_site_url_wins_over_host_and_port(monkeypatch):
    monkeypatch.setenv("SITE_URL", "https://briefe.example.org/")
    monkeypatch.setenv("PORT", "5077")
    assert settings_from_environment()["SITE_URL"] == "https://briefe.example.org"


def test_an_emailed_link_opens_on_the_port_the_site_is_served_on(monkeypatch, tmp_path):
    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.setenv("PORT", "5077")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'site.sqlite'}"})
    with app.app_context():
        link = absolute_url("subscriptions.confirm", token="t")
    assert link == "http://127.0.0.1:5077/subscribe/confirm/t"


@pytest.mark.parametrize(
    "arguments,site_url",
    [
        (["PORT=5077"], "http://127.0.0.1:5077"),
        (["HOST=0.0.0.0", "PORT=8080"], "http://127.0.0.1:8080"),
        (["SITE_URL=https://briefe.example.org"], "https://briefe.example.org"),
    ],
)
def test_make_run_gives_every_process_the_same_site_url(arguments, site_url):
    # honcho hands each process of the Procfile a PORT of its own (the sender gets PORT+100),
    # so the address must be settled once, before it starts them.
    plan = subprocess.run(
        ["make", "-n", "run", *arguments], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    start = next(line for line in plan.splitlines() if "honcho start" in line)
    assert start.startswith(f"SITE_URL={site_url} ")
    assert f"flask banner --url {site_url}" in plan
