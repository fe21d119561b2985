"""Every web process and the sender carry only what they use: a library that one rare path
needs (reading another site's page, a WordPress import, a reply by email, a feed, the
look-alike check of an address) is loaded by the process that takes that path. Loaded by
all, they made each process 26 MB bigger (126 MB where 108 MB do), and the sender's memory
has a budget of 150 MB while it sends to 100,000 subscribers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The libraries and the path that needs each.
RARELY_NEEDED = {
    "mf2py": "reading another site's page (webmentions, in the sender's rounds)",
    "bs4": "reading another site's page",
    "confusable_homoglyphs": "checking an address for look-alike letters",
    "feedgen": "an Atom feed",
    "markdownify": "a WordPress import",
    "inscriptis": "a reply by email",
    "mailparser_reply": "a reply by email",
    "aiosmtpd": "the LMTP listener",
}

# A new process: the site made, its front page and a letter page served, a sender's round;
# the modules loaded then, and again after a feed and an address check (JSON lines).
CHILD = """
import json, sys
from app import create_app
from app.extensions import db
from app.notifications.sender import run_once
from app.text.addresses import mixes_lookalike_alphabets

def loaded():
    print(json.dumps(sorted(name for name in sys.modules)))

app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SECRET_KEY": "x" * 40})
with app.app_context():
    db.create_all()
    assert app.test_client().get("/").status_code == 200
    assert app.test_client().get("/letters/none-such").status_code == 404
    run_once()
    loaded()
    feed = app.test_client().get("/feed.atom")
    assert feed.status_code == 200 and feed.data.startswith(b"<?xml"), feed.status_code
    assert mixes_lookalike_alphabets("\u0455v\u0435n@example.org")  # Cyrillic ѕ and е
    assert not mixes_lookalike_alphabets("sven@example.org")
    loaded()
"""


def modules_of_a_new_process(tmp_path: Path) -> tuple[set[str], set[str]]:
    """The top-level modules loaded by the first steps, and after the rare paths."""
    environment = {**os.environ, "DATABASE_URL": "", "MAIL_SERVER": "", "REDIS_URL": ""}
    completed = subprocess.run(
        [sys.executable, "-c", CHILD, f"sqlite:///{tmp_path / 'site.sqlite'}"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    first, then = completed.stdout.splitlines()[-2:]
    return tops(first), tops(then)


def tops(listing: str) -> set[str]:
    return {name.split(".")[0] for name in json.loads(listing)}


def test_web_pages_and_a_sender_round_leave_the_rarely_needed_libraries_unloaded(tmp_path):
    loaded, _ = modules_of_a_new_process(tmp_path)
    assert "app" in loaded and "sqlalchemy" in loaded
    assert {name: why for name, why in RARELY_NEEDED.items() if name in loaded} == {}


def test_a_feed_and_an_address_check_load_their_libraries_when_asked(tmp_path):
    before, after = modules_of_a_new_process(tmp_path)
    assert {"confusable_homoglyphs", "feedgen"} <= after - before
