"""A PostgreSQL server of the test's own, which it may stop and start (the shared one stays up)."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.mailserver import free_port

SERVER_BINARIES = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
# PostgreSQL refuses to run as root: as root, the server runs as this user.
SERVER_USER = "postgres"


def missing_reason() -> str:
    """Why no private server can run here, or "" when one can."""
    if not SERVER_BINARIES:
        return "the database restart test needs PostgreSQL's server (initdb, pg_ctl)"
    if os.geteuid() == 0 and not (shutil.which("runuser") and user_exists(SERVER_USER)):
        return f"as root, the private PostgreSQL server runs as {SERVER_USER!r}, who is missing"
    return ""


def user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


class PrivatePostgres:
    """initdb into a temporary folder, then pg_ctl start and stop on a free loopback port."""

    def __init__(self) -> None:
        self.binaries = SERVER_BINARIES[-1]
        self.folder = Path(tempfile.mkdtemp(prefix="briefwechsel-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.as_server_user: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.folder, SERVER_USER)
            self.as_server_user = ["runuser", "-u", SERVER_USER, "--"]
        self.run("initdb", "-D", str(self.data), "-A", "trust", "-U", "briefe", "--no-sync")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://briefe@127.0.0.1:{self.port}/postgres"

    def run(self, program: str, *arguments: str) -> None:
        command = [*self.as_server_user, str(self.binaries / program), *arguments]
        subprocess.run(command, check=True, capture_output=True, timeout=120, cwd=self.folder)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.folder / "server.log")
        self.run(
            "pg_ctl", "-D", str(self.data), "-l", log, "-o", options, "-w", "-t", "60", "start"
        )

    def stop(self) -> None:
        """As an operator restarting it would: open connections are cut, the server goes."""
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)
