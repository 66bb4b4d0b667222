import pytest

from fellowship.config import ConfigError, load


def test_production_refuses_to_start_without_secret_key() -> None:
    with pytest.raises(ConfigError, match="SECRET_KEY must be set"):
        load("/tmp/instance", {"FELLOWSHIP_ENV": "production"})


def test_production_refuses_a_short_secret_key() -> None:
    with pytest.raises(ConfigError, match="at least 32 characters"):
        load("/tmp/instance", {"FELLOWSHIP_ENV": "production", "SECRET_KEY": "short"})


def test_production_with_secret_key_uses_secure_cookies() -> None:
    config = load(
        "/tmp/instance",
        {
            "FELLOWSHIP_ENV": "production",
            "SECRET_KEY": "x" * 40,
            "DATABASE_URL": "postgresql://app@db/fellowship",
            "FELLOWSHIP_RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
            "FELLOWSHIP_VOTER_KEY_SECRET": "v" * 40,
        },
    )
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://app@db/fellowship"


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
