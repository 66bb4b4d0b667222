"""Two processes writing to one SQLite file at the same moment never see "database is locked"; deleted rows
are overwritten."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from fellowship import PROJECT_DIR, create_app
from fellowship.accounts import services
from fellowship.accounts.models import Organization
from fellowship.extensions import db
from tests.conftest import POSTGRES_URL

WORKER = textwrap.dedent(
    """
    import sys
    import time
    from pathlib import Path
    from fellowship import create_app

    url, tag, go, count = sys.argv[1], sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "two-process-test-secret-0123456789",
                      "WTF_CSRF_ENABLED": False, "TESTING": True})
    with app.app_context():
        from fellowship.accounts.models import User
        from fellowship.accounts.services import start_session
        from fellowship.extensions import db

        token = start_session(db.session.get(User, 1))
        db.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        session.update({"_user_id": "1:1", "sid": token, "seen": int(time.time())})
    print("ready", flush=True)
    while not go.exists():
        time.sleep(0.005)
    for number in range(count):
        response = client.post("/organizations/new", data={"name": f"{tag} {number}", "kind": "coop"})
        if response.status_code != 302 or response.headers["Location"] != "/organizations":
            print(response.status_code, response.get_data(as_text=True)[:500], flush=True)
            sys.exit(1)
    print("done", flush=True)
    """
)


@pytest.mark.skipif(bool(POSTGRES_URL), reason="SQLite only")
def test_two_processes_write_at_once_without_locking_errors(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/shared.sqlite3"
    setup = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "two-process-test-secret-0123456789"})
    with setup.app_context():
        db.create_all()
        admin = services.create_user("admin@example.org", "Admin", is_admin=True)
        db.session.commit()
        assert admin.get_id() == "1:1"
        db.engine.dispose()
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(PROJECT_DIR)}
    workers = [
        subprocess.Popen(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", WORKER, url, tag, str(go), "40"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        for tag in ("first", "second")
    ]
    for worker in workers:
        assert worker.stdout is not None
        assert worker.stdout.readline().strip() == "ready"
    go.touch()
    outputs = [worker.communicate(timeout=120)[0] for worker in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    with setup.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Organization.id))) == 80
        db.engine.dispose()


@pytest.mark.skipif(bool(POSTGRES_URL), reason="SQLite only")
def test_deleted_rows_are_overwritten(app: Any) -> None:
    """secure_delete: a deleted row's bytes do not linger in the file (sealed answers, rewritten receipts)."""
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
