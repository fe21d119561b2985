"""Settings from the environment, with defaults that are safe on one machine."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from sqlalchemy import make_url

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"


def env_flag(name: str, default: bool = False) -> bool:
    """Read a yes/no setting: 1, true, yes and on count as yes."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs given in the common short form."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def secret_key() -> str:
    """The configured key, or one kept in the instance folder so sessions survive restarts."""
    configured = os.environ.get("SECRET_KEY")
    if configured:
        return configured
    key_file = INSTANCE_DIR / "secret_key"
    if not key_file.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


# Addresses a server listens on that a browser cannot open: links name this machine instead.
LISTEN_EVERYWHERE = {"0.0.0.0", "::", "[::]", ""}


def served_address() -> str:
    """Where `make run` serves (HOST and PORT), for links when no SITE_URL is set."""
    host = os.environ.get("HOST", "127.0.0.1").strip()
    port = os.environ.get("PORT", "5000").strip() or "5000"
    if host in LISTEN_EVERYWHERE:
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address
    return f"http://{host}:{port}"


def settings_from_environment() -> dict[str, Any]:
    """Everything the application reads from the environment, in one place."""
    site_url = (os.environ.get("SITE_URL") or served_address()).rstrip("/")
    return {
        "SECRET_KEY": secret_key(),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(
            os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'briefwechsel.sqlite'}")
        ),
        "SITE_URL": site_url,
        "SITE_NAME": os.environ.get("SITE_NAME", "Briefwechsel"),
        # Stylesheets and scripts; `flask digest compile` adds copies with hashed names there.
        "STATIC_FOLDER": os.environ.get("STATIC_FOLDER", str(INSTANCE_DIR.parent / "static")),
        **mail_settings_from_environment(),
        **inbound_settings_from_environment(),
        **webmention_settings_from_environment(),
        "DIGEST_HOUR": int(os.environ.get("DIGEST_HOUR", "7") or 7),
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
        # Pages for readers who are not signed in, kept rendered (off: made for every request).
        "PAGE_CACHE": env_flag("PAGE_CACHE", default=True),
        # How long a browser, proxy or CDN may keep such a page without asking again.
        "PAGE_MAX_AGE": int(os.environ.get("PAGE_MAX_AGE", "10") or 10),
        # Keys of the page cache in Redis: sites sharing one Redis need prefixes of their own.
        "CACHE_KEY_PREFIX": os.environ.get("PAGE_CACHE_PREFIX", "briefwechsel:pages:"),
        "OPEN_REGISTRATION": env_flag("OPEN_REGISTRATION"),
        # Imprint and privacy statement in Markdown; files in the instance folder come first.
        "IMPRINT": os.environ.get("IMPRINT", ""),
        "PRIVACY": os.environ.get("PRIVACY", ""),
        "LEGAL_FOLDER": os.environ.get("LEGAL_FOLDER", ""),
        # Days the sender keeps what it knows of a sent email (address, message id, error),
        # of a bounce and of a reply by email; then it deletes them.
        "DELIVERY_RETENTION_DAYS": int(os.environ.get("DELIVERY_RETENTION_DAYS") or 30),
        # How many reverse proxies (nginx, a load balancer) stand before the app; 0: none.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0") or 0),
        # Lets a scraper elsewhere read /metrics (as a bearer token); without it, only this
        # machine may, straight and not through a proxy.
        "METRICS_TOKEN": os.environ.get("METRICS_TOKEN", ""),
        # `flask doctor` warns below this much free space beside the SQLite file.
        "DISK_SPACE_MIN_MB": int(os.environ.get("DISK_SPACE_MIN_MB", "1024") or 1024),
        **cookie_security_from_environment(),
    }


def mail_settings_from_environment() -> dict[str, Any]:
    """How mail leaves the site: the server, its timeouts, the sender's lease and DKIM."""
    return {
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": env_flag("MAIL_USE_TLS"),
        "MAIL_USE_SSL": env_flag("MAIL_USE_SSL"),
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "briefwechsel@localhost"),
        # Seconds the sender waits for the mail server to answer before trying again later.
        "SMTP_TIMEOUT_SECONDS": float(os.environ.get("SMTP_TIMEOUT_SECONDS") or 30),
        # How long a sender's claim on a batch holds: a sender that died mid-batch leaves its
        # notices to the others only once this has passed.
        "SENDER_LEASE_SECONDS": float(os.environ.get("SENDER_LEASE_SECONDS") or 300),
        "MAIL_UNSUBSCRIBE_ADDRESS": os.environ.get("MAIL_UNSUBSCRIBE_ADDRESS", ""),
        "DKIM_PRIVATE_KEY": os.environ.get("DKIM_PRIVATE_KEY", ""),
        "DKIM_SELECTOR": os.environ.get("DKIM_SELECTOR", ""),
        "DKIM_DOMAIN": os.environ.get("DKIM_DOMAIN", ""),
    }


def inbound_settings_from_environment() -> dict[str, Any]:
    """How mail comes in: replies to notices, through `flask mail receive` or LMTP."""
    return {
        # Notices carry Reply-To reply+<token>@REPLY_DOMAIN; without it, no replies by email.
        "REPLY_DOMAIN": os.environ.get("REPLY_DOMAIN", "").strip().lower(),
        # How long the address in a notice takes replies.
        "REPLY_TOKEN_DAYS": int(os.environ.get("REPLY_TOKEN_DAYS") or 30),
        # "draft": a colleague's reply waits for them to publish it; "publish": it goes out.
        "REPLY_BY_EMAIL": os.environ.get("REPLY_BY_EMAIL", "draft").strip().lower() or "draft",
        # Bigger messages are refused (552); a reply is text, not a file transfer.
        "INBOUND_MAX_BYTES": int(os.environ.get("INBOUND_MAX_BYTES") or 1024 * 1024),
        # The authserv-id of our own MTA's Authentication-Results header; empty: the topmost.
        "INBOUND_AUTHSERV_ID": os.environ.get("INBOUND_AUTHSERV_ID", "").strip(),
    }


def webmention_settings_from_environment() -> dict[str, Any]:
    """Answers from other sites and notices to them (Webmention)."""
    return {
        # Tell the pages a newly published or edited letter links to (the sender does).
        "WEBMENTION_SEND": env_flag("WEBMENTION_SEND", default=True),
        # Read from and post to private, loopback and link-local addresses too (tests, intranets).
        "WEBMENTION_ALLOW_PRIVATE": env_flag("WEBMENTION_ALLOW_PRIVATE"),
        # Seconds to connect and between bytes; a page is read within three times this.
        "WEBMENTION_TIMEOUT_SECONDS": float(os.environ.get("WEBMENTION_TIMEOUT_SECONDS") or 5),
        # A bigger source or target page is not read.
        "WEBMENTION_MAX_BYTES": int(os.environ.get("WEBMENTION_MAX_BYTES") or 1024 * 1024),
    }


def cookie_security_from_environment() -> dict[str, bool]:
    """SESSION_COOKIE_SECURE only when set; otherwise build_config derives it from SITE_URL."""
    if os.environ.get("SESSION_COOKIE_SECURE", "").strip() == "":
        return {}
    return {"SESSION_COOKIE_SECURE": env_flag("SESSION_COOKIE_SECURE")}


def secure_cookies(config: dict[str, Any]) -> bool:
    """Cookies travel over https only, unless the site is served over http or debugged locally.

    An http SITE_URL or the debug server only make sense on a developer's machine, where a
    Secure cookie would never come back and nobody could sign in.
    """
    debugging = config.get("DEBUG", env_flag("FLASK_DEBUG"))
    return config["SITE_URL"].startswith("https://") and not debugging


# Where dates are shown and digests sent for people who have not chosen a timezone.
DEFAULT_TIMEZONE = "Europe/Berlin"

DEFAULTS: dict[str, Any] = {
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_DURATION": 60 * 60 * 24 * 30,
    # A 100,000-character body of non-ASCII text is up to 1.2 MB once form-encoded.
    "MAX_CONTENT_LENGTH": 4 * 1024 * 1024,
    "MAX_FORM_MEMORY_SIZE": 3 * 1024 * 1024,
    "WTF_CSRF_TIME_LIMIT": None,
    "BABEL_DEFAULT_LOCALE": "en",
    "BABEL_DEFAULT_TIMEZONE": DEFAULT_TIMEZONE,
    "LANGUAGES": ["en", "de"],
    "LETTERS_PER_PAGE": 20,
    "INVITE_MAX_AGE": 7 * 24 * 3600,
    # How long the link proving a colleague's email address works.
    "EMAIL_CONFIRM_MAX_AGE": 3 * 24 * 3600,
    "RESET_MAX_AGE": 3600,
    # Sign-in attempts from one client address, and from one client address for one account:
    # past these, that client gets 429.
    "LOGIN_LIMIT_PER_IP": "30 per minute;300 per day",
    "LOGIN_LIMIT_PER_ACCOUNT_AND_IP": "5 per minute;30 per day",
    # Wrong passwords for one account from everyone: past it, wrong passwords get 429, but
    # the right one still signs in, so that nobody can lock a colleague out.
    "LOGIN_LIMIT_PER_ACCOUNT": "10 per minute;60 per day",
    "RESET_LIMIT_PER_IP": "10 per hour",
    # Reset mails to one address; past it the form answers as always and sends no more.
    "RESET_LIMIT_PER_ACCOUNT": "5 per hour",
    # Sign-up (OPEN_REGISTRATION) from one client address, and mails to one address.
    "REGISTER_LIMIT_PER_IP": "10 per hour",
    "REGISTER_MAILS_PER_ADDRESS": "3 per day",
    # The sign-up form answers no sooner than this, address taken or not.
    "REGISTER_ANSWER_SECONDS": 0.25,
    # The reset form answers no sooner than this, known address or not.
    "RESET_ANSWER_SECONDS": 0.25,
    "SUBSCRIBE_LIMIT_PER_IP": "10 per hour",
    # Signatures asked for from one client address (readers' forms and colleagues' clicks).
    "SIGN_LIMIT_PER_IP": "10 per hour",
    # Webmentions other sites post (each costs the sender a page read).
    "WEBMENTION_LIMIT_PER_IP": "30 per minute;500 per day",
    # Readers who are not signed in; a search costs more than a page.
    "SEARCH_LIMIT_PER_IP": "60 per minute;600 per hour",
    # The JSON API (app/api/): requests per personal access token, and per client address
    # for requests without one; writes count once more against their own limit.
    "API_LIMIT_PER_TOKEN": "120 per minute;3000 per hour",
    "API_LIMIT_PER_ADDRESS": "60 per minute;1000 per hour",
    "API_WRITE_LIMIT_PER_TOKEN": "30 per minute;500 per day",
    # A colleague's zip of everything: each reads all their letters and correspondences.
    "EXPORT_LIMIT_PER_COLLEAGUE": "5 per hour;20 per day",
    # How long a SQLite write in a request waits for the lock before answering 503: well
    # inside gunicorn's 30 s timeout, far longer than any one write (or the sender's) holds
    # it. The sender and commands wait longer: nobody watches them.
    "SQLITE_REQUEST_WAIT_MS": 5000,
    "SQLITE_BACKGROUND_WAIT_MS": 60000,
    "RATELIMIT_HEADERS_ENABLED": True,
    "AVATAR_SIZE": 256,
    # The page cache (Flask-Caching): a page is made anew at the latest after this long even
    # if nothing changed; the in-process store keeps this many pages per process.
    "CACHE_DEFAULT_TIMEOUT": 600,
    "CACHE_THRESHOLD": 500,
    "CACHE_NO_NULL_WARNING": True,  # PAGE_CACHE=off is a choice, not a mistake
    # werkzeug's default, scrypt with its full cost; only the tests choose a cheaper one.
    "PASSWORD_HASH_METHOD": "scrypt",
}


def build_config(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Defaults, then the environment, then explicit overrides (tests pass these)."""
    config = {**DEFAULTS, **settings_from_environment(), **(overrides or {})}
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(config["SQLALCHEMY_DATABASE_URI"])
    config["SITE_URL"] = config["SITE_URL"].rstrip("/")  # links append paths that start with /
    config.setdefault("SESSION_COOKIE_SECURE", secure_cookies(config))
    # Flask-Login's "remember me" cookie signs in as well as the session does.
    config.setdefault("REMEMBER_COOKIE_SECURE", config["SESSION_COOKIE_SECURE"])
    config.setdefault("RATELIMIT_STORAGE_URI", config["REDIS_URL"] or "memory://")
    config.setdefault("CACHE_TYPE", page_store(config))
    config.setdefault("CACHE_REDIS_URL", config["REDIS_URL"])
    config.setdefault(
        "SQLALCHEMY_ENGINE_OPTIONS", engine_options(config["SQLALCHEMY_DATABASE_URI"])
    )
    return config


def page_store(config: dict[str, Any]) -> str:
    """Where the page cache keeps pages: Redis, shared by every process, or each process."""
    if not config["PAGE_CACHE"]:
        return "NullCache"
    return "RedisCache" if config["REDIS_URL"] else "SimpleCache"


# A SQLite connection reads the planner's statistics when it opens, and the sender gathers
# them anew every hour: connections are opened anew as often, to plan with the new ones.
SQLITE_CONNECTION_SECONDS = 3600


def engine_options(database_url: str) -> dict[str, Any]:
    """Check pooled connections before use on a server database; a SQLite file needs no
    ping, but its connections are renewed hourly."""
    if not database_url.startswith("sqlite"):
        return {"pool_pre_ping": True}
    in_memory = make_url(database_url).database in (None, "", ":memory:")
    return {} if in_memory else {"pool_recycle": SQLITE_CONNECTION_SECONDS}
