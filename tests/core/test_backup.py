"""Backup and restore round-trip: every row of the demo and every uploaded file comes back as it was; the
file is readable by its owner only."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from fellowship.accounts.models import User
from fellowship.extensions import db
from fellowship.impact import services as impact
from fellowship.impact.models import ReportingPeriod
from tests.conftest import World


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    return {
        table.name: [
            tuple(row) for row in db.session.execute(sa.select(table).order_by(*table.primary_key.columns))
        ]
        for table in db.metadata.sorted_tables
    }


def empty_database() -> None:
    db.session.remove()
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def storage(app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "storage"
    monkeypatch.setitem(app.config, "FELLOWSHIP_STORAGE_DIR", str(folder))
    return folder


def test_backup_then_restore_into_an_empty_database_gives_the_same_rows(
    app: Any, tmp_path: Path, storage: Path
) -> None:
    runner = app.test_cli_runner()
    runner.invoke(args=["fellowship", "demo"])
    before = snapshot()
    assert sum(len(rows) for rows in before.values()) > 1000
    path = tmp_path / "backup.json"
    result = runner.invoke(args=["fellowship", "backup", str(path)])
    assert result.exit_code == 0, result.output
    refused = runner.invoke(args=["fellowship", "restore", str(path)])
    assert refused.exit_code != 0 and "not empty" in refused.output
    empty_database()
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


def test_backup_is_readable_by_its_owner_only_whatever_the_umask(
    app: Any, tmp_path: Path, storage: Path
) -> None:
    path = tmp_path / "backup.json"
    path.write_text("last week's backup", "utf-8")
    path.chmod(0o644)
    previous = os.umask(0)
    try:
        result = app.test_cli_runner().invoke(args=["fellowship", "backup", str(path)])
    finally:
        os.umask(previous)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text("utf-8"))["format"] == "fellowship-backup/2"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.json"]  # no temporary file left behind


def test_uploaded_files_are_backed_up_and_restored(app: Any, tmp_path: Path, storage: Path) -> None:
    pictures = {"awards/3f9a.jpg": b"\xff\xd8 a picture \xff\xd9", "awards/old/77.png": b"\x89PNG older"}
    for name, content in pictures.items():
        (storage / name).parent.mkdir(parents=True, exist_ok=True)
        (storage / name).write_bytes(content)
    path = tmp_path / "backup.json"
    runner = app.test_cli_runner()
    backed_up = runner.invoke(args=["fellowship", "backup", str(path)])
    assert backed_up.exit_code == 0, backed_up.output
    assert "and 2 uploaded files" in backed_up.output
    for name in pictures:
        (storage / name).unlink()
    restored = runner.invoke(args=["fellowship", "restore", str(path)])
    assert restored.exit_code == 0, restored.output
    assert {name: (storage / name).read_bytes() for name in pictures} == pictures


def test_restore_refuses_a_file_outside_the_storage_folder(app: Any, tmp_path: Path, storage: Path) -> None:
    path = tmp_path / "crafted.json"
    files = [{"path": "../escaped.txt", "content": "aGVsbG8="}]
    path.write_text(json.dumps({"format": "fellowship-backup/2", "tables": [], "files": files}), "utf-8")
    result = app.test_cli_runner().invoke(args=["fellowship", "restore", str(path)])
    assert result.exit_code == 1
    assert "points outside the storage folder" in result.output
    assert not (tmp_path / "escaped.txt").exists()


def test_a_null_json_value_comes_back_as_null(world: World, app: Any, tmp_path: Path, storage: Path) -> None:
    """A period not yet submitted has no snapshot: SQL NULL, not the JSON text null, also after a restore."""
    impact.open_period(world.program, "January 2024", dt.date(2024, 1, 1), dt.date(2024, 1, 31), None)
    db.session.commit()
    no_snapshot = sa.select(sa.func.count(ReportingPeriod.id)).where(ReportingPeriod.snapshot.is_(None))
    assert db.session.scalar(no_snapshot) == 1
    path = tmp_path / "backup.json"
    runner = app.test_cli_runner()
    assert runner.invoke(args=["fellowship", "backup", str(path)]).exit_code == 0
    empty_database()
    restored = runner.invoke(args=["fellowship", "restore", str(path)])
    assert restored.exit_code == 0, restored.output
    assert db.session.scalar(no_snapshot) == 1
