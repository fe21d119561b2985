"""`flask doctor`: what an operator should know about this installation, one line per check.

Each check says OK with what it found, or PROBLEM with what is wrong and how to fix it. The
checks that talk to another server (database, mail, Redis) give up after a few seconds.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import make_url

from app.config import INSTANCE_DIR
from app.legal import has_imprint, legal_folder
from app.ops.doctor_services import (
    check_database,
    check_mail_server,
    check_redis,
    check_sender,
)
from app.ops.findings import Finding, is_public, problem, public_site

# Shorter keys can be guessed; a key of few different characters is a placeholder.
SECRET_KEY_MIN_LENGTH = 32
SECRET_KEY_MIN_DISTINCT = 12


def check_secret_key() -> Finding:
    """SECRET_KEY signs sessions and emailed links: it must be long and not a placeholder."""
    key = str(current_app.config.get("SECRET_KEY") or "")
    fix = (
        "set SECRET_KEY to at least 32 random characters, the same on every machine, e.g. "
        "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
    )
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return problem(
            "secret key",
            f"SECRET_KEY has {len(key)} characters: short enough to guess, and whoever "
            "knows it can sign in as anyone",
            fix,
        )
    if len(set(key)) < SECRET_KEY_MIN_DISTINCT:
        return problem("secret key", "SECRET_KEY looks like a placeholder", fix)
    key_file = INSTANCE_DIR / "secret_key"
    if key_file.exists() and key_file.read_text().strip() == key:
        return Finding(
            "secret key",
            True,
            f"{len(key)} characters, kept in {key_file} (generated on first start; when more "
            "than one machine serves the site, set the same SECRET_KEY on each)",
        )
    return Finding("secret key", True, f"{len(key)} characters")


def check_site_url() -> Finding:
    """Links in emails and feeds are built from SITE_URL; a public site needs https."""
    site_url = current_app.config["SITE_URL"]
    parts = urlsplit(site_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return problem(
            "site address",
            f"SITE_URL {site_url!r} is not an absolute http(s) address",
            "set SITE_URL to the address readers use, e.g. https://briefe.example.org",
        )
    if parts.scheme == "http" and is_public(site_url):
        return problem(
            "site address",
            f"SITE_URL is {site_url}: passwords and session cookies would cross the network "
            "unencrypted, and the cookies are not marked Secure",
            "serve the site over TLS (see deploy/) and set SITE_URL=https://" + parts.netloc,
        )
    if not is_public(site_url):
        return Finding(
            "site address", True, f"{site_url}, this machine only (a public site needs https)"
        )
    return Finding("site address", True, site_url)


def check_disk_space() -> Finding:
    """A SQLite database needs room to grow, and room for a backup copy beside it."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite":
        return Finding("disk space", True, "the database server keeps its own disk: watch it there")
    path = Path(url.database or "")
    folder = path.parent if path.parent.exists() else Path.cwd()
    size = path.stat().st_size if path.exists() else 0
    needed = max(current_app.config["DISK_SPACE_MIN_MB"] * 2**20, 2 * size)
    free = shutil.disk_usage(folder).free
    found = f"{megabytes(free)} free in {folder}, the database takes {megabytes(size)}"
    if free < needed:
        return problem(
            "disk space",
            f"only {found}; below {megabytes(needed)} writes start to fail, and a backup "
            "needs as much room as the database",
            "free some space or move the database to a larger disk",
        )
    return Finding("disk space", True, found)


def check_static_files() -> Finding:
    """Compiled static files let browsers keep them for a year; stale ones would look broken."""
    folder = Path(current_app.static_folder or "")
    manifest_file = folder / "cache_manifest.json"
    if not manifest_file.exists():
        if public_site():
            return problem(
                "static files",
                "not compiled: pages link the plain names, which browsers may keep only an "
                "hour, and after an upgrade some would show the old stylesheet for that hour",
                "run `flask digest compile` after each release, then reload the web processes",
            )
        return Finding("static files", True, "plain names (development; compile for a public site)")
    stale = [name for name, hashed in json.loads(manifest_file.read_text()).items()
             if not compiled_copy_is_current(folder / name, hashed)]  # fmt: skip
    if stale:
        return problem(
            "static files",
            f"{', '.join(sorted(stale))} changed since `flask digest compile`: pages link the "
            "copy from before",
            "run `flask digest compile` again, then reload the web processes",
        )
    return Finding("static files", True, f"compiled and current, in {folder}")


def compiled_copy_is_current(source: Path, hashed_name: str) -> bool:
    """The hash in the compiled copy's name is the md5 of the source as it is now."""
    if not source.exists():
        return True  # removed since: nothing links it any more
    digest = hashlib.md5(source.read_bytes(), usedforsecurity=False).hexdigest()
    return f"-{digest}." in hashed_name


def check_imprint() -> Finding:
    """A public site in Germany must name who runs it (Impressum)."""
    if has_imprint():
        return Finding("imprint", True, "linked in every page's footer and every email")
    if not public_site():
        return Finding("imprint", True, "none (fine for a site on this machine only)")
    return problem(
        "imprint",
        "none: German sites must name who runs them",
        f"put it in Markdown in {legal_folder() / 'imprint.md'} (or imprint.de.md, imprint.en.md)"
        " or in the IMPRINT setting",
    )


def check_retention() -> Finding:
    """Replies by email name their notice: deleting notices sooner refuses late replies."""
    keep_days = current_app.config["DELIVERY_RETENTION_DAYS"]
    reply_days = current_app.config["REPLY_TOKEN_DAYS"]
    if not current_app.config.get("REPLY_DOMAIN") or keep_days >= reply_days:
        return Finding("retention", True, f"details of sent mail kept {keep_days} days")
    return problem(
        "retention",
        f"sent notices are deleted after {keep_days} days, but replies to them are taken for "
        f"{reply_days}: a reply after day {keep_days} is refused",
        f"set DELIVERY_RETENTION_DAYS to at least {reply_days}, or REPLY_TOKEN_DAYS lower",
    )


def megabytes(size: int) -> str:
    return f"{size / 2**20:,.1f} MB"


CHECKS: tuple[Callable[[], Finding], ...] = (
    check_secret_key,
    check_site_url,
    check_database,
    check_mail_server,
    check_sender,
    check_redis,
    check_disk_space,
    check_static_files,
    check_imprint,
    check_retention,
)


def run_checks() -> list[Finding]:
    """Every check, in order; a check that fails unexpectedly is reported, not raised."""
    findings = []
    for check in CHECKS:
        try:
            findings.append(check())
        except Exception as error:  # noqa: BLE001 — the other checks still run
            name = check.__name__.removeprefix("check_").replace("_", " ")
            findings.append(
                problem(name, f"the check itself failed: {type(error).__name__}: {error}", "")
            )
    return findings
