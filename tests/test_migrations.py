"""Migrations: one head, base → head builds exactly the models' schema, head → base removes it.

Runs on SQLite always and on PostgreSQL too when TEST_DATABASE_URL is set, each time on a database of
its own so the suite's tables are untouched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import flask_migrate
import psycopg
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from fellowship import PROJECT_DIR, create_app
from fellowship.extensions import db
from fellowship.network.models import Entry, is_search_structure
from fellowship.network.search import search
from tests.conftest import POSTGRES_URL

MIGRATIONS = PROJECT_DIR / "migrations"


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/migrations.sqlite3"
        return
    if not POSTGRES_URL:
        pytest.skip("needs PostgreSQL: set TEST_DATABASE_URL")
    url = sa.make_url(POSTGRES_URL)
    name = f"{url.database}_migrations"
    admin = dict(host=url.host, port=url.port or 5432, user=url.username, dbname="postgres", autocommit=True)
    with psycopg.connect(**admin) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield url.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(**admin) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    return not (type_ in ("table", "index") and is_search_structure(name))


def migration_app(database: str, instance: Path) -> Any:
    """The application on a database of the test's own, for running migrations against."""
    made: Any = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database,
            "TESTING": True,
            "SECRET_KEY": "migration-test-secret-key-0123456789",
        }
    )
    made.instance_path = str(instance)
    return made


def test_migrations_have_a_single_head() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_migrations_upgrade_match_models_and_downgrade(empty_database: str, tmp_path: Path) -> None:
    migrated = migration_app(empty_database, tmp_path)
    with migrated.app_context():
        flask_migrate.upgrade()
        with db.engine.connect() as conn:
            # The network's text index (FTS5 on SQLite, a trigram index on PostgreSQL) is outside the
            # metadata on purpose; env.py's include_name leaves it out of autogenerate the same way.
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "include_name": include_name}
            )
            assert compare_metadata(context, db.metadata) == []
        flask_migrate.downgrade(revision="base")
        assert sa.inspect(db.engine).get_table_names() == ["alembic_version"]
        db.engine.dispose()


def _insert(conn: sa.Connection, table: str, **values: Any) -> int:
    """Insert a row filling every other required column with a plain value of its type."""
    reflected = sa.Table(table, sa.MetaData(), autoload_with=conn)
    row = dict(values)
    for column in reflected.columns:
        if column.name in row or column.nullable or column.primary_key or column.server_default is not None:
            continue
        python = column.type.python_type
        row[column.name] = {
            int: 1,
            float: 1.0,
            bool: False,
            str: "x",
            dt.datetime: dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
            dt.date: dt.date(2024, 1, 1),
        }.get(python, "{}")
    return int(conn.execute(reflected.insert().values(**row)).inserted_primary_key[0])


def test_events_made_before_calendar_uids_keep_the_uid_calendars_hold(
    empty_database: str, tmp_path: Path
) -> None:
    migrated = migration_app(empty_database, tmp_path)
    with migrated.app_context():
        flask_migrate.upgrade(revision="2e999fda6c4c")
        with db.engine.begin() as conn:
            program = _insert(conn, "programs", kind="fellowship", timezone="UTC")
            cohort = _insert(conn, "cohorts", program_id=program)
            starts = dt.datetime(2024, 1, 18, 18, tzinfo=dt.UTC)
            event = _insert(
                conn,
                "events",
                cohort_id=cohort,
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=1),
                kind="webinar",
            )
        flask_migrate.upgrade()
        with db.engine.connect() as conn:
            uid = conn.execute(sa.text("SELECT uid FROM events WHERE id = :id"), {"id": event}).scalar()
        assert uid == f"event-{event}@fellowship"
        db.engine.dispose()


def test_messages_queued_before_the_secret_flag_are_taken_to_hold_one(
    empty_database: str, tmp_path: Path
) -> None:
    """Every kind sent before it carried a password, invitation, guest, vote or unsubscribe link."""
    migrated = migration_app(empty_database, tmp_path)
    with migrated.app_context():
        flask_migrate.upgrade(revision="b7c1e4a9d2f0")
        with db.engine.begin() as conn:
            message = _insert(conn, "outbox_messages", kind="password_reset", headers="{}", attachments="[]")
        flask_migrate.upgrade()
        with db.engine.begin() as conn:
            queued = conn.execute(
                sa.text("SELECT holds_secret FROM outbox_messages WHERE id = :id"), {"id": message}
            ).scalar()
            fresh = _insert(conn, "outbox_messages", kind="report", headers="{}", attachments="[]")
            default = conn.execute(
                sa.text("SELECT holds_secret FROM outbox_messages WHERE id = :id"), {"id": fresh}
            ).scalar()
        assert (bool(queued), bool(default)) == (True, False)
        db.engine.dispose()


def test_the_network_text_index_follows_its_entries(empty_database: str, tmp_path: Path) -> None:
    """The migration's FTS5 triggers (SQLite) or trigram index (PostgreSQL) serve the search."""
    migrated = migration_app(empty_database, tmp_path)
    with migrated.app_context():
        flask_migrate.upgrade()
        with db.engine.begin() as conn:
            organization = _insert(conn, "organizations", name="Riverside Co-op")
            now = dt.datetime.now(dt.UTC)
            entries = [
                _insert(
                    conn,
                    "network_entries",
                    organization_id=organization,
                    kind="offer",
                    category="business",
                    published=True,
                    confirmed_at=now,
                    created_at=now,
                    search_text=text,
                    skills="[]",
                    languages="",
                    skill_keys="",
                    place_key="",
                )
                for text in ("ksiegowosc dla spoldzielni", "contabilidad", "stale text")
            ]
            conn.execute(
                sa.text("UPDATE network_entries SET search_text = 'bookkeeping' WHERE id = :id"),
                {"id": entries[2]},
            )
            conn.execute(sa.text("DELETE FROM network_entries WHERE id = :id"), {"id": entries[1]})

        def found(text: str) -> list[int]:
            return list(db.session.scalars(search(text).with_only_columns(Entry.id)))

        assert (found("ksiegowosc"), found("contabilidad"), found("stale"), found("bookkeeping")) == (
            [entries[0]],
            [],
            [],
            [entries[2]],
        )
        db.session.remove()
        flask_migrate.downgrade(revision="base")
        assert sa.inspect(db.engine).get_table_names() == ["alembic_version"]
        db.engine.dispose()


def test_file_versions_that_changed_their_date_stay_counted_as_new_material(
    empty_database: str, tmp_path: Path
) -> None:
    """Before the module editor, a changed file with a new ``published_on`` was counted on that date; the
    migration marks such versions substantive so the funder report's count does not drop."""
    migrated = migration_app(empty_database, tmp_path)
    with migrated.app_context():
        flask_migrate.upgrade(revision="32e96a90b821")
        with db.engine.begin() as conn:
            for version, day in (
                (1, dt.date(2024, 1, 5)),
                (2, dt.date(2024, 6, 1)),
                (3, dt.date(2024, 6, 1)),
            ):
                _insert(
                    conn, "modules", slug="roadmap", version=version, published_on=day, current=version == 3
                )
        flask_migrate.upgrade()
        with db.engine.begin() as conn:
            marked = conn.execute(
                sa.text("SELECT version, substantive FROM modules WHERE slug = 'roadmap' ORDER BY version")
            ).all()
        assert [(version, bool(flag)) for version, flag in marked] == [(1, False), (2, True), (3, False)]
        db.engine.dispose()
