"""Settings, read only from the environment.

Development defaults are safe for a laptop; production mode (``FELLOWSHIP_ENV=production``) refuses to
start without a real ``SECRET_KEY``, its own voter key secret, shared rate-limit storage and the site's
public address. ``load`` reports every missing or invalid setting at once (``ConfigError.problems``).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from limits import parse_many

from fellowship.core import identity_providers, signing_keys

ENV_PREFIX = "FELLOWSHIP_"
DEV_SECRET = "dev-only-not-secret"  # noqa: S105 - refused in production mode below
DEV_VOTER_SECRET = "dev-only-voter-key-not-secret"  # noqa: S105 - refused in production mode below
LOCALES = ("en", "es", "pl", "ar", "he")
RTL_LOCALES = frozenset({"ar", "he"})


class ConfigError(RuntimeError):
    """Raised at start-up when the environment cannot run the application safely: lists every problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__(self._message())

    def _message(self) -> str:
        count = len(self.problems)
        heading = "Fellowship cannot start: " + (
            "1 setting needs attention." if count == 1 else f"{count} settings need attention."
        )
        return "\n".join([heading, *(f"- {problem}" for problem in self.problems)])


MODES = ("development", "production", "testing")
DEV_BASE_URL = "http://127.0.0.1:5000"
"""Where ``make run`` (and ``flask run``) serve; emailed links use it when nothing else is configured."""
LOOPBACK_HOSTS = ("localhost", "127.0.0.1")
SMTP_SECURITY = ("starttls", "ssl", "none")
POOLERS = ("none", "session", "transaction")
HOST_NAME = re.compile(r"\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")
"""A name for FELLOWSHIP_TRUSTED_HOSTS; a leading dot admits the subdomains too (Werkzeug's rule)."""


def _bool(value: str | None, default: bool) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def engine_options(database_url: str, pooler: str) -> dict[str, Any]:
    """SQLAlchemy's engine options. Behind a pooler in transaction mode (PgBouncer's ``pool_mode =
    transaction``, before its 1.21 prepared-statement support) each transaction may run on a different server
    connection, so nothing may outlive a transaction on it: psycopg 3 would prepare a statement on one server
    connection after its fifth use and then meet another client's statement of the same name there, or miss
    its own ("prepared statement "_pg3_0" already exists" / "does not exist"; tests/scaleout shows it), so
    ``prepare_threshold=None`` turns that off. Fellowship keeps no other session state on its connections
    (no SET, no session advisory locks, no LISTEN, no cursors WITH HOLD): docs/operators.md, "Scale-out"."""
    options: dict[str, Any] = {"pool_pre_ping": True}
    if pooler == "transaction" and database_url.startswith("postgresql+psycopg"):
        options["connect_args"] = {"prepare_threshold": None}
    return options


def sqlite_url(instance_path: str) -> str:
    return "sqlite:///" + str(Path(instance_path) / "fellowship.sqlite3")


def base_url_problem(value: str, mode: str) -> str | None:
    """What is wrong with ``value`` as FELLOWSHIP_BASE_URL, or None.

    The site's own address, scheme and host only: emailed links are this plus the page's path (which already
    holds any prefix the site is mounted under). Production needs https: the links carry sign-in secrets.
    """
    if not value:
        if mode == "production":
            return (
                "FELLOWSHIP_BASE_URL must be set in production to the site's public address (for example "
                "https://fellowship.example.org): links in emails are built from it, never from the "
                "address a request names"
            )
        return None
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in {"http", "https"}
        or not parts.hostname
        or parts.username is not None
        or parts.path not in {"", "/"}
        or parts.query
        or parts.fragment
    ):
        return (
            f"FELLOWSHIP_BASE_URL must be the site's address, scheme and host only (for example "
            f"https://fellowship.example.org), not {value!r}"
        )
    if mode == "production" and parts.scheme != "https":
        return f"FELLOWSHIP_BASE_URL must start with https:// in production, not {value!r}"
    return None


def default_base_url(config: Mapping[str, Any]) -> str:
    """The address emailed links use in development and testing when FELLOWSHIP_BASE_URL is not set: the
    application's SERVER_NAME when it has one, else the development server's. Never a request's host."""
    server = config.get("SERVER_NAME")
    if server:
        return f"{config.get('PREFERRED_URL_SCHEME') or 'http'}://{server}"
    return DEV_BASE_URL


def trusted_hosts(config: Mapping[str, Any]) -> list[str]:
    """The host names the standalone application answers (Flask's TRUSTED_HOSTS): the base address's,
    those FELLOWSHIP_TRUSTED_HOSTS adds, and outside production this machine's own names."""
    extra = config.get("FELLOWSHIP_TRUSTED_HOSTS") or []
    if isinstance(extra, str):  # set in code rather than read from the environment
        extra = extra.replace(",", " ").split()
    hosts = [urlsplit(config["FELLOWSHIP_BASE_URL"]).hostname or "", *extra]
    if config.get("FELLOWSHIP_MODE") != "production":
        hosts += LOOPBACK_HOSTS
    return list(dict.fromkeys(host for host in hosts if host))


def _host_names(value: str, problems: list[str]) -> list[str]:
    names = [name.strip().lower() for name in value.replace(",", " ").split()]
    wrong = [name for name in names if not HOST_NAME.fullmatch(name)]
    if wrong:
        problems.append(
            "FELLOWSHIP_TRUSTED_HOSTS must list host names separated by commas (example.org, or "
            f".example.org for its subdomains too), without scheme, port or path: {', '.join(wrong)}"
        )
    return [name for name in names if name not in wrong]


def load(instance_path: str, environ: Mapping[str, str] | None = None) -> dict[str, object]:
    """Return the Flask config mapping built from ``environ`` (default: ``os.environ``).

    Every problem is collected before anything is refused, so an operator fixes them all in one go.
    """
    env = os.environ if environ is None else environ
    problems: list[str] = []

    def number(name: str, default: int) -> int:
        raw = env.get(name)
        if raw is None or not raw.strip():
            return default
        try:
            return int(raw)
        except ValueError:
            problems.append(f"{name} must be a whole number, not {raw!r}")
            return default

    def limits(name: str, default: str) -> str:
        value = env.get(name, default)
        try:
            parse_many(value)
        except ValueError:
            problems.append(f"{name} must be a rate limit such as '5 per minute; 20 per hour', not {value!r}")
            return default
        return value

    mode = env.get(ENV_PREFIX + "ENV", "development").strip().lower()
    if mode not in MODES:
        problems.append(f"FELLOWSHIP_ENV must be development, production or testing, not {mode!r}")
    secret = env.get("SECRET_KEY", "")
    if mode == "production" and (not secret or secret == DEV_SECRET or len(secret) < 32):
        problems.append(
            "SECRET_KEY must be set to a random value of at least 32 characters in production "
            "(for example: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
        )
    storage_kind = env.get(ENV_PREFIX + "STORAGE", "folder")
    if storage_kind not in {"folder", "database"}:
        problems.append(f"FELLOWSHIP_STORAGE must be folder or database, not {storage_kind!r}")
    rate_limit_storage = env.get(ENV_PREFIX + "RATELIMIT_STORAGE_URI", "")
    if mode == "production" and not rate_limit_storage:
        problems.append(
            "FELLOWSHIP_RATELIMIT_STORAGE_URI must point at shared storage in production (for example "
            "redis://127.0.0.1:6379/0): counters kept in each worker's memory would multiply every limit by "
            "the number of workers"
        )
    voter_secret = env.get(ENV_PREFIX + "VOTER_KEY_SECRET", "")
    if mode == "production" and (len(voter_secret) < 32 or voter_secret == secret):
        problems.append(
            "FELLOWSHIP_VOTER_KEY_SECRET must be a random value of at least 32 characters, different from "
            "SECRET_KEY, in production: it turns voters' email addresses into the keys votes are stored under"
        )
    dev_mailbox = _bool(env.get(ENV_PREFIX + "DEV_MAILBOX"), False)
    if mode == "production" and dev_mailbox:
        problems.append(
            "FELLOWSHIP_DEV_MAILBOX must be off in production: the development mailbox shows every queued "
            "email, with its sign-in, invitation and voting links, to anyone whose request reaches the "
            "application from this machine (a reverse proxy on the same host makes that every visitor)"
        )
    base_url = env.get(ENV_PREFIX + "BASE_URL", "").strip()
    if (problem := base_url_problem(base_url, mode)) is not None:
        problems.append(problem)
    extra_hosts = _host_names(env.get(ENV_PREFIX + "TRUSTED_HOSTS", ""), problems)
    smtp_security = env.get(ENV_PREFIX + "SMTP_SECURITY", "starttls").strip().lower()
    if smtp_security not in SMTP_SECURITY:
        problems.append(f"FELLOWSHIP_SMTP_SECURITY must be starttls, ssl or none, not {smtp_security!r}")
    pooler = env.get(ENV_PREFIX + "DATABASE_POOLER", "none").strip().lower() or "none"
    if pooler not in POOLERS:
        problems.append(
            "FELLOWSHIP_DATABASE_POOLER must be none, session or transaction (PgBouncer's pool_mode in front "
            f"of PostgreSQL), not {pooler!r}"
        )
        pooler = "none"
    database_url = env.get("DATABASE_URL") or sqlite_url(instance_path)
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgres://")
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    session_hours = number(ENV_PREFIX + "SESSION_MAX_HOURS", 12)
    mail_lease = number(ENV_PREFIX + "MAIL_LEASE_SECONDS", 300)
    if mail_lease < 1:
        problems.append(
            "FELLOWSHIP_MAIL_LEASE_SECONDS must be at least 1 (seconds a mail sender holds what it "
            f"claimed), not {mail_lease}"
        )
    oidc_providers = identity_providers.load(env, mode == "production", problems)
    credential_keys = env.get(ENV_PREFIX + "CREDENTIAL_KEYS_FILE", "").strip() or str(
        Path(instance_path) / "credential-keys.json"
    )
    if mode == "production":
        try:
            signing_keys.read(Path(credential_keys))
        except signing_keys.KeyRingError as error:
            problems.append(
                "FELLOWSHIP_CREDENTIAL_KEYS_FILE must name the key ring that signs credentials in "
                f"production: {error} (make one with `flask fellowship credentials rotate-key`, see "
                "docs/credentials.md)"
            )
    config: dict[str, object] = {
        "FELLOWSHIP_MODE": mode,
        "SECRET_KEY": secret or DEV_SECRET,
        # Earlier secrets, newest first, after a rotation: signed sessions and sealed anonymous answers made
        # with them stay readable (Flask 3.1's setting; separated by spaces or commas).
        "SECRET_KEY_FALLBACKS": env.get("SECRET_KEY_FALLBACKS", "").replace(",", " ").split(),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(database_url, pooler),
        "FELLOWSHIP_DATABASE_POOLER": pooler,
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool(env.get(ENV_PREFIX + "SECURE_COOKIES"), mode == "production"),
        "MAX_CONTENT_LENGTH": number(ENV_PREFIX + "MAX_UPLOAD_BYTES", 2 * 1024 * 1024),
        "FELLOWSHIP_CURRICULUM_DIR": env.get(ENV_PREFIX + "CURRICULUM_DIR", ""),
        "FELLOWSHIP_STORAGE_DIR": env.get(ENV_PREFIX + "STORAGE_DIR", str(Path(instance_path) / "storage")),
        # Where uploaded files go: "folder" (FELLOWSHIP_STORAGE_DIR, one machine) or "database" (every
        # application server reads them; core/storage.py).
        "FELLOWSHIP_STORAGE": storage_kind,
        # Bearer token for /metrics; empty: answered to requests from this machine only (core/metrics.py).
        "FELLOWSHIP_METRICS_TOKEN": env.get(ENV_PREFIX + "METRICS_TOKEN", ""),
        "FELLOWSHIP_SQLITE_BUSY_TIMEOUT_MS": number(ENV_PREFIX + "SQLITE_BUSY_TIMEOUT_MS", 30000),
        "WTF_CSRF_TIME_LIMIT": None,
        "FELLOWSHIP_TRUSTED_PROXIES": number(ENV_PREFIX + "TRUSTED_PROXIES", 0),
        "FELLOWSHIP_INVITE_DAYS": number(ENV_PREFIX + "INVITE_DAYS", 14),
        "FELLOWSHIP_SESSION_IDLE_MINUTES": number(ENV_PREFIX + "SESSION_IDLE_MINUTES", 120),
        "FELLOWSHIP_SESSION_MAX_HOURS": session_hours,
        "PERMANENT_SESSION_LIFETIME": dt.timedelta(hours=session_hours),
        "FELLOWSHIP_LOG_JSON": _bool(env.get(ENV_PREFIX + "LOG_JSON"), mode == "production"),
        "RATELIMIT_STORAGE_URI": rate_limit_storage or "memory://",
        "RATELIMIT_ENABLED": _bool(env.get(ENV_PREFIX + "RATELIMIT_ENABLED"), True),
        "RATELIMIT_HEADERS_ENABLED": False,
        "FELLOWSHIP_RATELIMIT_SIGN_IN": limits(
            ENV_PREFIX + "RATELIMIT_SIGN_IN", "10 per minute; 50 per hour"
        ),
        "FELLOWSHIP_RATELIMIT_ACCOUNT": limits(ENV_PREFIX + "RATELIMIT_ACCOUNT", "5 per minute; 20 per hour"),
        "FELLOWSHIP_RATELIMIT_TOKEN": limits(ENV_PREFIX + "RATELIMIT_TOKEN", "20 per minute; 100 per hour"),
        "FELLOWSHIP_RATELIMIT_CHECKIN": limits(ENV_PREFIX + "RATELIMIT_CHECKIN", "10 per minute"),
        "FELLOWSHIP_RATELIMIT_HELP_REQUEST": limits(
            ENV_PREFIX + "RATELIMIT_HELP_REQUEST", "5 per hour; 10 per day"
        ),
        # Identity providers people may sign in through (core/identity_providers.py).
        "FELLOWSHIP_OIDC_PROVIDERS": oidc_providers,
        # The Ed25519 keys credentials are signed with, newest first (core/signing_keys.py, credentials/).
        "FELLOWSHIP_CREDENTIAL_KEYS_FILE": credential_keys,
        # The issuer's name in every credential and in its public profile (/credentials/issuer).
        "FELLOWSHIP_ISSUER_NAME": env.get(ENV_PREFIX + "ISSUER_NAME", "").strip() or "Fellowship",
        # Replies and announcements one person may post (discussions/views.py).
        "FELLOWSHIP_RATELIMIT_DISCUSSION": limits(
            ENV_PREFIX + "RATELIMIT_DISCUSSION", "10 per minute; 60 per hour"
        ),
        # Minutes a reply's author may edit it; replies reach digests once it has passed.
        "FELLOWSHIP_DISCUSSION_EDIT_MINUTES": number(ENV_PREFIX + "DISCUSSION_EDIT_MINUTES", 15),
        "FELLOWSHIP_SMTP_HOST": env.get(ENV_PREFIX + "SMTP_HOST", ""),
        "FELLOWSHIP_SMTP_PORT": number(ENV_PREFIX + "SMTP_PORT", 587),
        "FELLOWSHIP_SMTP_USERNAME": env.get(ENV_PREFIX + "SMTP_USERNAME", ""),
        "FELLOWSHIP_SMTP_PASSWORD": env.get(ENV_PREFIX + "SMTP_PASSWORD", ""),
        "FELLOWSHIP_SMTP_SECURITY": smtp_security,
        "FELLOWSHIP_MAIL_FROM": env.get(ENV_PREFIX + "MAIL_FROM", "Fellowship <fellowship@localhost>"),
        # Emailed links start with it; in development and testing Fellowship.init_app fills in a default.
        "FELLOWSHIP_BASE_URL": base_url.rstrip("/"),
        # Host names the standalone application answers besides the base address's (see trusted_hosts).
        "FELLOWSHIP_TRUSTED_HOSTS": extra_hosts,
        # The development mailbox (/dev/mailbox): `make run` turns it on; see core/dev_mailbox.py.
        "FELLOWSHIP_DEV_MAILBOX": dev_mailbox,
        "FELLOWSHIP_REMINDER_HOURS": number(ENV_PREFIX + "REMINDER_HOURS", 24),
        "FELLOWSHIP_VOTER_KEY_SECRET": voter_secret or DEV_VOTER_SECRET,
        "FELLOWSHIP_VOTE_TOKEN_HOURS": number(ENV_PREFIX + "VOTE_TOKEN_HOURS", 24),
        "FELLOWSHIP_RATELIMIT_VOTE_IP": limits(ENV_PREFIX + "RATELIMIT_VOTE_IP", "120 per hour"),
        "FELLOWSHIP_RATELIMIT_VOTE_EMAIL": limits(ENV_PREFIX + "RATELIMIT_VOTE_EMAIL", "5 per hour"),
        "FELLOWSHIP_IMAGE_MAX_BYTES": number(ENV_PREFIX + "IMAGE_MAX_BYTES", 5 * 1024 * 1024),
        # Largest resource file (on a module, in a cohort library); requests are held to MAX_UPLOAD_BYTES too.
        "FELLOWSHIP_RESOURCE_MAX_BYTES": number(ENV_PREFIX + "RESOURCE_MAX_BYTES", 2 * 1024 * 1024),
        "FELLOWSHIP_COMMUNITY_AREAS_FILE": env.get(ENV_PREFIX + "COMMUNITY_AREAS_FILE", ""),
        "FELLOWSHIP_EVALUATION_MIN_GROUP": number(ENV_PREFIX + "EVALUATION_MIN_GROUP", 3),
        "FELLOWSHIP_EVALUATION_DAYS": number(ENV_PREFIX + "EVALUATION_DAYS", 14),
        # Months before a network entry's owner is asked to confirm it (network/freshness.py).
        "FELLOWSHIP_NETWORK_CONFIRM_MONTHS": number(ENV_PREFIX + "NETWORK_CONFIRM_MONTHS", 6),
        # Rendered public contest pages kept per worker (0 turns the cache off); see core/pagecache.py.
        "FELLOWSHIP_PAGE_CACHE_BYTES": number(ENV_PREFIX + "PAGE_CACHE_BYTES", 8 * 1024 * 1024),
        # Also the max-age public contest pages promise to a proxy (nginx) or CDN in front of the servers.
        "FELLOWSHIP_PAGE_CACHE_SECONDS": number(ENV_PREFIX + "PAGE_CACHE_SECONDS", 60),
        # How long a deliver-mail worker holds the messages it claimed: a worker that dies leaves them to
        # another after this (core/mail.py). Longer than a batch takes to send.
        "FELLOWSHIP_MAIL_LEASE_SECONDS": mail_lease,
    }
    if problems:
        raise ConfigError(problems)
    return config
