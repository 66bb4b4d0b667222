from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from fellowship import PROJECT_DIR
from fellowship.config import ConfigError, default_base_url, load, trusted_hosts
from fellowship.core import signing_keys


def key_ring() -> str:
    """A key ring that signs credentials, as `flask fellowship credentials rotate-key` makes one."""
    path = Path(tempfile.mkdtemp(prefix="fellowship-keys-")) / "credential-keys.json"
    signing_keys.add_new_key(path, dt.date(2026, 12, 2))
    return str(path)


PRODUCTION = {
    "FELLOWSHIP_ENV": "production",
    "SECRET_KEY": "x" * 40,
    "DATABASE_URL": "postgresql://app@db/fellowship",
    "FELLOWSHIP_RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
    "FELLOWSHIP_VOTER_KEY_SECRET": "v" * 40,
    "FELLOWSHIP_BASE_URL": "https://fellowship.example.org",
    "FELLOWSHIP_CREDENTIAL_KEYS_FILE": key_ring(),
}


def test_production_refuses_to_start_without_secret_key() -> None:
    with pytest.raises(ConfigError, match="SECRET_KEY must be set"):
        load("/tmp/instance", {"FELLOWSHIP_ENV": "production"})


def test_production_refuses_a_short_secret_key() -> None:
    with pytest.raises(ConfigError, match="at least 32 characters"):
        load("/tmp/instance", {"FELLOWSHIP_ENV": "production", "SECRET_KEY": "short"})


def test_production_with_secret_key_uses_secure_cookies() -> None:
    config = load("/tmp/instance", PRODUCTION)
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://app@db/fellowship"


def test_earlier_secret_keys_are_read_as_fallbacks() -> None:
    config = load("/tmp/instance", {**PRODUCTION, "SECRET_KEY_FALLBACKS": "older-one, oldest-one"})
    assert config["SECRET_KEY_FALLBACKS"] == ["older-one", "oldest-one"]
    assert load("/tmp/instance", PRODUCTION)["SECRET_KEY_FALLBACKS"] == []


def test_behind_a_transaction_pooler_psycopg_prepares_no_statements() -> None:
    plain = load("/tmp/instance", PRODUCTION)
    assert plain["SQLALCHEMY_ENGINE_OPTIONS"] == {"pool_pre_ping": True}
    pooled = load("/tmp/instance", {**PRODUCTION, "FELLOWSHIP_DATABASE_POOLER": "transaction"})
    assert pooled["SQLALCHEMY_ENGINE_OPTIONS"] == {
        "pool_pre_ping": True,
        "connect_args": {"prepare_threshold": None},
    }
    session = load("/tmp/instance", {**PRODUCTION, "FELLOWSHIP_DATABASE_POOLER": "session"})
    assert "connect_args" not in session["SQLALCHEMY_ENGINE_OPTIONS"]
    sqlite = load("/tmp/instance", {"FELLOWSHIP_DATABASE_POOLER": "transaction"})  # no pooler to speak of
    assert "connect_args" not in sqlite["SQLALCHEMY_ENGINE_OPTIONS"]
    with pytest.raises(ConfigError, match="FELLOWSHIP_DATABASE_POOLER must be none, session or transaction"):
        load("/tmp/instance", {**PRODUCTION, "FELLOWSHIP_DATABASE_POOLER": "statement"})


def test_a_mail_lease_must_last_at_least_a_second() -> None:
    assert load("/tmp/instance", {})["FELLOWSHIP_MAIL_LEASE_SECONDS"] == 300
    with pytest.raises(ConfigError, match="FELLOWSHIP_MAIL_LEASE_SECONDS must be at least 1"):
        load("/tmp/instance", {"FELLOWSHIP_MAIL_LEASE_SECONDS": "0"})


def test_development_defaults_to_sqlite_in_instance_folder() -> None:
    config = load("/srv/instance", {})
    assert config["SQLALCHEMY_DATABASE_URI"] == "sqlite:////srv/instance/fellowship.sqlite3"
    assert config["SESSION_COOKIE_SECURE"] is False


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(ConfigError, match="FELLOWSHIP_ENV"):
        load("/tmp/instance", {"FELLOWSHIP_ENV": "staging"})


def test_production_refuses_to_start_without_shared_rate_limit_storage() -> None:
    with pytest.raises(ConfigError, match="FELLOWSHIP_RATELIMIT_STORAGE_URI must point at shared storage"):
        load("/tmp/instance", {"FELLOWSHIP_ENV": "production", "SECRET_KEY": "x" * 40})


@pytest.mark.parametrize("voter_secret", ["", "short", "x" * 40])
def test_production_needs_its_own_voter_key_secret(voter_secret: str) -> None:
    with pytest.raises(ConfigError, match="FELLOWSHIP_VOTER_KEY_SECRET"):
        load(
            "/tmp/instance",
            {
                "FELLOWSHIP_ENV": "production",
                "SECRET_KEY": "x" * 40,
                "FELLOWSHIP_VOTER_KEY_SECRET": voter_secret,
                "FELLOWSHIP_RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
            },
        )


def test_production_lists_every_missing_setting_at_once() -> None:
    with pytest.raises(ConfigError) as refused:
        load("/tmp/instance", {"FELLOWSHIP_ENV": "production"})
    assert [problem.split(" ", 1)[0] for problem in refused.value.problems] == [
        "SECRET_KEY",
        "FELLOWSHIP_RATELIMIT_STORAGE_URI",
        "FELLOWSHIP_VOTER_KEY_SECRET",
        "FELLOWSHIP_BASE_URL",
        "FELLOWSHIP_CREDENTIAL_KEYS_FILE",
    ]
    assert str(refused.value).splitlines()[0] == "Fellowship cannot start: 5 settings need attention."


def test_invalid_values_are_listed_with_the_missing_ones() -> None:
    environ = {
        **PRODUCTION,
        "SECRET_KEY": "",
        "FELLOWSHIP_SMTP_PORT": "five-eight-seven",
        "FELLOWSHIP_INVITE_DAYS": "2 weeks",
        "FELLOWSHIP_RATELIMIT_SIGN_IN": "lots",
        "FELLOWSHIP_SMTP_SECURITY": "tls",
        "FELLOWSHIP_TRUSTED_HOSTS": "fellowship.example.org, https://www.example.org/",
    }
    with pytest.raises(ConfigError) as refused:
        load("/tmp/instance", environ)
    assert [problem.split(" ", 1)[0] for problem in refused.value.problems] == [
        "SECRET_KEY",
        "FELLOWSHIP_TRUSTED_HOSTS",
        "FELLOWSHIP_SMTP_SECURITY",
        "FELLOWSHIP_INVITE_DAYS",
        "FELLOWSHIP_RATELIMIT_SIGN_IN",
        "FELLOWSHIP_SMTP_PORT",
    ]


@pytest.mark.parametrize(
    ("base_url", "problem"),
    [
        ("", "FELLOWSHIP_BASE_URL must be set in production"),
        ("http://fellowship.example.org", "must start with https:// in production"),
        ("https://fellowship.example.org/academy", "scheme and host only"),
        ("https://fellowship.example.org/?next=/", "scheme and host only"),
        ("fellowship.example.org", "scheme and host only"),
        ("https://user@fellowship.example.org", "scheme and host only"),
        ("https://fellowship.example.org:port", "scheme and host only"),
    ],
)
def test_production_needs_the_site_address(base_url: str, problem: str) -> None:
    with pytest.raises(ConfigError, match=problem):
        load("/tmp/instance", {**PRODUCTION, "FELLOWSHIP_BASE_URL": base_url})


def test_development_takes_its_default_address_from_configuration_only() -> None:
    assert load("/srv/instance", {})["FELLOWSHIP_BASE_URL"] == ""  # Fellowship.init_app fills it in
    assert default_base_url({"SERVER_NAME": None}) == "http://127.0.0.1:5000"
    assert default_base_url({"SERVER_NAME": "academy.test:8000", "PREFERRED_URL_SCHEME": "https"}) == (
        "https://academy.test:8000"
    )


def test_trusted_hosts_are_the_base_address_and_the_extra_names() -> None:
    production = load(
        "/tmp/instance",
        {**PRODUCTION, "FELLOWSHIP_TRUSTED_HOSTS": "www.example.org, .fellowship.example.org"},
    )
    assert trusted_hosts(production) == [
        "fellowship.example.org",
        "www.example.org",
        ".fellowship.example.org",
    ]
    development = {"FELLOWSHIP_MODE": "development", "FELLOWSHIP_BASE_URL": "http://academy.test:8000"}
    assert trusted_hosts(development) == ["academy.test", "localhost", "127.0.0.1"]


def test_a_production_start_without_settings_names_them_all_without_a_traceback(tmp_path: Path) -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("FELLOWSHIP_") and k != "SECRET_KEY"}
    environ.update(FELLOWSHIP_ENV="production", FELLOWSHIP_INSTANCE_PATH=str(tmp_path))
    flask = Path(sys.executable).with_name("flask")
    done = subprocess.run(
        [str(flask), "--app", "fellowship", "fellowship", "demo"],
        cwd=PROJECT_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 4
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert lines[0] == "Fellowship cannot start: 5 settings need attention."
    assert [line.split(" ", 2)[1] for line in lines[1:]] == [
        "SECRET_KEY",
        "FELLOWSHIP_RATELIMIT_STORAGE_URI",
        "FELLOWSHIP_VOTER_KEY_SECRET",
        "FELLOWSHIP_BASE_URL",
        "FELLOWSHIP_CREDENTIAL_KEYS_FILE",
    ]
