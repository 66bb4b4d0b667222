"""Settings, read only from the environment.

Development defaults are safe for a laptop; production mode (``FELLOWSHIP_ENV=production``) refuses to
start without a real ``SECRET_KEY``.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

ENV_PREFIX = "FELLOWSHIP_"
DEV_SECRET = "dev-only-not-secret"  # noqa: S105 - refused in production mode below
DEV_VOTER_SECRET = "dev-only-voter-key-not-secret"  # noqa: S105 - refused in production mode below
LOCALES = ("en", "es", "pl", "ar", "he")
RTL_LOCALES = frozenset({"ar", "he"})


class ConfigError(RuntimeError):
    """Raised at start-up when the environment cannot run the application safely."""


def _bool(value: str | None, default: bool) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def sqlite_url(instance_path: str) -> str:
    return "sqlite:///" + str(Path(instance_path) / "fellowship.sqlite3")


def load(instance_path: str, environ: dict[str, str] | None = None) -> dict[str, object]:
    """Return the Flask config mapping built from ``environ`` (default: ``os.environ``)."""
    env = os.environ if environ is None else environ
    mode = env.get(ENV_PREFIX + "ENV", "development").strip().lower()
    if mode not in {"development", "production", "testing"}:
        raise ConfigError(f"FELLOWSHIP_ENV must be development, production or testing, not {mode!r}")
    secret = env.get("SECRET_KEY", "")
    if mode == "production" and (not secret or secret == DEV_SECRET or len(secret) < 32):
        raise ConfigError(
            "SECRET_KEY must be set to a random value of at least 32 characters in production "
            "(for example: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
        )
    rate_limit_storage = env.get(ENV_PREFIX + "RATELIMIT_STORAGE_URI", "")
    if mode == "production" and not rate_limit_storage:
        raise ConfigError(
            "FELLOWSHIP_RATELIMIT_STORAGE_URI must point at shared storage in production (for example "
            "redis://127.0.0.1:6379/0): counters kept in each worker's memory would multiply every limit by "
            "the number of workers"
        )
    voter_secret = env.get(ENV_PREFIX + "VOTER_KEY_SECRET", "")
    if mode == "production" and (len(voter_secret) < 32 or voter_secret == secret):
        raise ConfigError(
            "FELLOWSHIP_VOTER_KEY_SECRET must be a random value of at least 32 characters, different from "
            "SECRET_KEY, in production: it turns voters' email addresses into the keys votes are stored under"
        )
    dev_mailbox = _bool(env.get(ENV_PREFIX + "DEV_MAILBOX"), False)
    if mode == "production" and dev_mailbox:
        raise ConfigError(
            "FELLOWSHIP_DEV_MAILBOX must be off in production: the development mailbox shows every queued "
            "email, with its sign-in, invitation and voting links, to anyone whose request reaches the "
            "application from this machine (a reverse proxy on the same host makes that every visitor)"
        )
    database_url = env.get("DATABASE_URL") or sqlite_url(instance_path)
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgres://")
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    return {
        "FELLOWSHIP_MODE": mode,
        "SECRET_KEY": secret or DEV_SECRET,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool(env.get(ENV_PREFIX + "SECURE_COOKIES"), mode == "production"),
        "MAX_CONTENT_LENGTH": int(env.get(ENV_PREFIX + "MAX_UPLOAD_BYTES", str(2 * 1024 * 1024))),
        "FELLOWSHIP_CURRICULUM_DIR": env.get(ENV_PREFIX + "CURRICULUM_DIR", ""),
        "FELLOWSHIP_STORAGE_DIR": env.get(ENV_PREFIX + "STORAGE_DIR", str(Path(instance_path) / "storage")),
        "FELLOWSHIP_SQLITE_BUSY_TIMEOUT_MS": int(env.get(ENV_PREFIX + "SQLITE_BUSY_TIMEOUT_MS", "30000")),
        "WTF_CSRF_TIME_LIMIT": None,
        "FELLOWSHIP_TRUSTED_PROXIES": int(env.get(ENV_PREFIX + "TRUSTED_PROXIES", "0")),
        "FELLOWSHIP_INVITE_DAYS": int(env.get(ENV_PREFIX + "INVITE_DAYS", "14")),
        "FELLOWSHIP_SESSION_IDLE_MINUTES": int(env.get(ENV_PREFIX + "SESSION_IDLE_MINUTES", "120")),
        "FELLOWSHIP_SESSION_MAX_HOURS": int(env.get(ENV_PREFIX + "SESSION_MAX_HOURS", "12")),
        "PERMANENT_SESSION_LIFETIME": dt.timedelta(
            hours=int(env.get(ENV_PREFIX + "SESSION_MAX_HOURS", "12"))
        ),
        "FELLOWSHIP_LOG_JSON": _bool(env.get(ENV_PREFIX + "LOG_JSON"), mode == "production"),
        "RATELIMIT_STORAGE_URI": rate_limit_storage or "memory://",
        "RATELIMIT_ENABLED": _bool(env.get(ENV_PREFIX + "RATELIMIT_ENABLED"), True),
        "RATELIMIT_HEADERS_ENABLED": False,
        "FELLOWSHIP_RATELIMIT_SIGN_IN": env.get(
            ENV_PREFIX + "RATELIMIT_SIGN_IN", "10 per minute; 50 per hour"
        ),
        "FELLOWSHIP_RATELIMIT_ACCOUNT": env.get(
            ENV_PREFIX + "RATELIMIT_ACCOUNT", "5 per minute; 20 per hour"
        ),
        "FELLOWSHIP_RATELIMIT_TOKEN": env.get(ENV_PREFIX + "RATELIMIT_TOKEN", "20 per minute; 100 per hour"),
        "FELLOWSHIP_RATELIMIT_CHECKIN": env.get(ENV_PREFIX + "RATELIMIT_CHECKIN", "10 per minute"),
        "FELLOWSHIP_SMTP_HOST": env.get(ENV_PREFIX + "SMTP_HOST", ""),
        "FELLOWSHIP_SMTP_PORT": int(env.get(ENV_PREFIX + "SMTP_PORT", "587")),
        "FELLOWSHIP_SMTP_USERNAME": env.get(ENV_PREFIX + "SMTP_USERNAME", ""),
        "FELLOWSHIP_SMTP_PASSWORD": env.get(ENV_PREFIX + "SMTP_PASSWORD", ""),
        "FELLOWSHIP_SMTP_SECURITY": env.get(ENV_PREFIX + "SMTP_SECURITY", "starttls"),
        "FELLOWSHIP_MAIL_FROM": env.get(ENV_PREFIX + "MAIL_FROM", "Fellowship <fellowship@localhost>"),
        "FELLOWSHIP_BASE_URL": env.get(ENV_PREFIX + "BASE_URL", ""),
        # The development mailbox (/dev/mailbox): `make run` turns it on; see core/dev_mailbox.py.
        "FELLOWSHIP_DEV_MAILBOX": dev_mailbox,
        "FELLOWSHIP_REMINDER_HOURS": int(env.get(ENV_PREFIX + "REMINDER_HOURS", "24")),
        "FELLOWSHIP_VOTER_KEY_SECRET": voter_secret or DEV_VOTER_SECRET,
        "FELLOWSHIP_VOTE_TOKEN_HOURS": int(env.get(ENV_PREFIX + "VOTE_TOKEN_HOURS", "24")),
        "FELLOWSHIP_RATELIMIT_VOTE_IP": env.get(ENV_PREFIX + "RATELIMIT_VOTE_IP", "120 per hour"),
        "FELLOWSHIP_RATELIMIT_VOTE_EMAIL": env.get(ENV_PREFIX + "RATELIMIT_VOTE_EMAIL", "5 per hour"),
        "FELLOWSHIP_IMAGE_MAX_BYTES": int(env.get(ENV_PREFIX + "IMAGE_MAX_BYTES", str(5 * 1024 * 1024))),
        "FELLOWSHIP_COMMUNITY_AREAS_FILE": env.get(ENV_PREFIX + "COMMUNITY_AREAS_FILE", ""),
        "FELLOWSHIP_EVALUATION_MIN_GROUP": int(env.get(ENV_PREFIX + "EVALUATION_MIN_GROUP", "3")),
        "FELLOWSHIP_EVALUATION_DAYS": int(env.get(ENV_PREFIX + "EVALUATION_DAYS", "14")),
        # Rendered public contest pages kept per worker (0 turns the cache off); see core/pagecache.py.
        "FELLOWSHIP_PAGE_CACHE_BYTES": int(env.get(ENV_PREFIX + "PAGE_CACHE_BYTES", str(8 * 1024 * 1024))),
        "FELLOWSHIP_PAGE_CACHE_SECONDS": int(env.get(ENV_PREFIX + "PAGE_CACHE_SECONDS", "60")),
    }
