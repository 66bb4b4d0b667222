"""Backup and restore round-trip: every row of the demo comes back as it was."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

from fellowship.accounts.models import User
from fellowship.extensions import db


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    return {
        table.name: [
            tuple(row) for row in db.session.execute(sa.select(table).order_by(*table.primary_key.columns))
        ]
        for table in db.metadata.sorted_tables
    }


def test_backup_then_restore_into_an_empty_database_gives_the_same_rows(app: Any, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    runner.invoke(args=["fellowship", "demo"])
    before = snapshot()
    assert sum(len(rows) for rows in before.values()) > 1000
    path = tmp_path / "backup.json"
    result = runner.invoke(args=["fellowship", "backup", str(path)])
    assert result.exit_code == 0, result.output
    refused = runner.invoke(args=["fellowship", "restore", str(path)])
    assert refused.exit_code != 0 and "not empty" in refused.output
    db.session.remove()
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())
    restored = runner.invoke(args=["fellowship", "restore", str(path)])
    assert restored.exit_code == 0, restored.output
    db.session.remove()
    assert snapshot() == before
    from tests import factories as f

    newcomer = f.UserFactory()  # new ids do not collide with restored ones (PostgreSQL sequences moved on)
    db.session.commit()
    assert newcomer.id > max(row[0] for row in before["users"])
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == len(before["users"]) + 1


def test_restore_refuses_a_file_that_is_not_a_backup(app: Any, tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text('{"format": "something else"}', "utf-8")
    result = app.test_cli_runner().invoke(args=["fellowship", "restore", str(path)])
    assert result.exit_code != 0 and "not a Fellowship backup file" in result.output
