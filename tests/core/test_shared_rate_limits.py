"""Two worker processes share one set of rate-limit counters through Redis (when Redis answers)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

from fellowship import PROJECT_DIR

REDIS = ("127.0.0.1", 6379)

WORKER = textwrap.dedent(
    """
    import sys
    from fellowship import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SECRET_KEY": "shared-limits-secret-0123456789",
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_KEY_PREFIX": sys.argv[2]})
    client = app.test_client()
    codes = [client.post("/sign-in", data={"email": "a@example.org", "password": "x"}).status_code
             for _ in range(int(sys.argv[3]))]
    print(" ".join(map(str, codes)))
    """
)


def redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not redis_answers(), reason="no Redis on 127.0.0.1:6379")
def test_two_workers_share_counters_in_redis(tmp_path: Path) -> None:
    from fellowship import create_app
    from fellowship.extensions import db

    url = f"sqlite:///{tmp_path}/limits.sqlite3"
    setup = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x" * 40})
    with setup.app_context():
        db.create_all()
        db.engine.dispose()
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_DIR),
        "FELLOWSHIP_RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15",
        "FELLOWSHIP_RATELIMIT_SIGN_IN": "5 per minute",
    }
    prefix = f"fellowship-test-{uuid.uuid4().hex}"

    def worker(requests: int) -> list[int]:
        result = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", WORKER, url, prefix, str(requests)],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=True,
        )
        return [int(code) for code in result.stdout.split()]

    assert worker(3) == [401, 401, 401]
    # A second process sees the first one's three attempts: two more are allowed, then 429.
    assert worker(4) == [401, 401, 429, 429]
