"""What our own mail server found out about the sender (RFC 8601 Authentication-Results)."""

from __future__ import annotations

import authres
from flask import current_app

from app.inbound.message import IncomingMail, address_domain

FAILED = frozenset({"fail", "permerror"})


def failed_authentication(mail: IncomingMail, from_address: str) -> bool:
    """True when our MTA found both DKIM and SPF failing for the From address's domain.

    Only our own server's header counts (INBOUND_AUTHSERV_ID, else the topmost one, which the
    last server to handle the message added): a sender can write any such header itself.
    A message without it is judged by the sender's address and token alone.
    """
    results = own_results(mail)
    if results is None:
        return False
    domain = address_domain(from_address)
    dkim = [r.result for r in results if r.method == "dkim" and names_domain(r, domain, "d")]
    spf = [r.result for r in results if r.method == "spf" and names_domain(r, domain, "mailfrom")]
    dkim_failed = bool(dkim) and all(result in FAILED for result in dkim)
    spf_failed = bool(spf) and all(result in FAILED for result in spf)
    return dkim_failed and spf_failed


def own_results(mail: IncomingMail) -> list | None:
    """The results our server reported, or None when it added no (readable) header."""
    trusted = current_app.config.get("INBOUND_AUTHSERV_ID", "").lower()
    try:
        headers = mail.message.get_all("Authentication-Results") or []
    except Exception:  # noqa: BLE001 — unreadable: as if absent
        return None
    # Without a configured id only the topmost header is ours.
    for value in headers if trusted else headers[:1]:
        try:
            parsed = authres.AuthenticationResultsHeader.parse_value(str(value))
        except Exception:  # noqa: BLE001 — authres raises its own syntax errors
            continue
        if not trusted or str(parsed.authserv_id).lower() == trusted:
            return list(parsed.results)
    return None


def names_domain(result: authres.core.AuthenticationResult, domain: str, name: str) -> bool:
    """Whether a result is about the domain (a result naming no domain is taken to be)."""
    values = [str(p.value) for p in result.properties or [] if p.name in (name, "i")]
    if not values:
        return True
    return any(value.rpartition("@")[2].lower().rstrip(".") == domain for value in values)
