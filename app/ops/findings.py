"""What a check of `flask doctor` found, and whether the site is meant for others."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app

LOCAL_NAMES = {"localhost", "localhost.localdomain"}


@dataclass(frozen=True)
class Finding:
    """One line of the report: OK and what was found, or PROBLEM, what is wrong and the fix."""

    name: str
    ok: bool
    detail: str
    fix: str = ""

    def line(self) -> str:
        text = f"{'OK' if self.ok else 'PROBLEM':<8} {self.name}: {self.detail}"
        return f"{text}. Fix: {self.fix}" if self.fix else text


def problem(name: str, detail: str, fix: str) -> Finding:
    return Finding(name, False, detail, fix)


def is_public(site_url: str) -> bool:
    """Whether the site is meant for others: its address is not this machine's own."""
    host = (urlsplit(site_url).hostname or "").lower()
    if host in LOCAL_NAMES or host.endswith(".localhost"):
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True


def public_site() -> bool:
    """Whether this installation serves others (then development defaults are problems)."""
    return is_public(current_app.config["SITE_URL"])
