"""On a terminal, `flask import wordpress` shows a progress bar (a real process on a pty)."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from tests.importing.support import EXPORTS

FLASK = Path(sys.executable).with_name("flask")


def output_on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """What the command writes to a pseudo-terminal, as a person at a terminal would see it."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=follower, stderr=follower,
                               env=env)  # fmt: skip
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the process closed its end
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait(timeout=120) == 0, b"".join(chunks).decode(errors="replace")
    return b"".join(chunks).decode(errors="replace")


def test_a_terminal_sees_a_progress_bar_and_the_report(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite'}",
           "FLASK_APP": "app:create_app()"}  # fmt: skip
    subprocess.run([str(FLASK), "db", "upgrade"], env=env, check=True, capture_output=True)
    shown = output_on_a_terminal(
        [str(FLASK), "import", "wordpress", str(EXPORTS / "letters_de_en.xml")], env
    )
    assert "Importing" in shown and "9/9" in shown  # click's bar with its position
    assert "Importing: 9 of 9 items" not in shown  # the plain lines are for logs only
    assert "imported" in shown.lower()
