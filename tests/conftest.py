"""Root fixtures: the application, the database, clients signed in per role, the clock, query counting."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa

from fellowship import create_app
from fellowship.core import clock as clock_module
from fellowship.core import pagecache
from fellowship.extensions import db, limiter
from fellowship.programs.enums import Role
from tests import factories as f
from tests.clients import Client


def _own_database(url: str) -> str:
    """Under pytest-xdist (``make test`` runs the suite on every core) each worker gets a PostgreSQL
    database of its own, ``<name>_gw0``, ``<name>_gw1``…, made afresh here; `.ci/run` drops them with the
    leg's database. Alone, the suite uses TEST_DATABASE_URL as it is."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or not url.startswith("postgresql"):
        return url
    import psycopg

    parsed = sa.make_url(url)
    name = f"{parsed.database}_{worker}"
    admin = {
        "host": parsed.host,
        "port": parsed.port or 5432,
        "user": parsed.username,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**admin) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return parsed.set(database=name).render_as_string(hide_password=False)


POSTGRES_URL = _own_database(os.environ.get("TEST_DATABASE_URL", ""))


def database_url(tmp_dir: Any) -> str:
    return POSTGRES_URL or f"sqlite:///{tmp_dir}/test.sqlite3"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip = pytest.mark.skip(reason="needs PostgreSQL: set TEST_DATABASE_URL")
    for item in items:
        if "postgres" in item.keywords and not POSTGRES_URL.startswith("postgresql"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    instance = tmp_path_factory.mktemp("instance")
    application = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
            "SQLALCHEMY_DATABASE_URI": database_url(instance),
            # The site's name: requests name this host, and with FELLOWSHIP_BASE_URL unset emailed links
            # start with http://fellowship.test (config.default_base_url). TRUSTED_HOSTS admits it, and
            # outside production localhost, which other applications' test clients name.
            "SERVER_NAME": "fellowship.test",
            # Concurrency tests start up to 32 threads with a connection each (PostgreSQL only); at most 40
            # per worker keeps two xdist workers under the server's default 100 connections.
            **(
                {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "pool_size": 34, "max_overflow": 6}}
                if POSTGRES_URL
                else {}
            ),
        }
    )
    application.instance_path = str(instance)
    application.test_client_class = Client
    with application.app_context():
        db.drop_all()
        db.create_all()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Any) -> Client:
    """A client without pytest-flask's preserved request context (each request has its own context)."""
    return app.test_client()


@pytest.fixture(autouse=True)
def _clean_database(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "app" not in request.fixturenames:
        return
    db.session.rollback()
    limiter.reset()
    pagecache.cache().clear()  # the next test's rows may reuse these ids and revisions
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())
    db.session.remove()


@pytest.fixture
def clock() -> Iterator[Any]:
    """The application clock, set to 2024-01-18 18:00 UTC (noon in Chicago, the launch webinar)."""
    clock_module.set_time(dt.datetime(2024, 1, 18, 18, 0, tzinfo=dt.UTC))
    yield clock_module
    clock_module.reset()


@dataclass
class World:
    """Two programs with a cohort each, and a person in every role the access rules know."""

    program: Any
    cohort: Any
    other_program: Any
    other_cohort: Any
    organization: Any
    users: dict[str, Any]
    memberships: dict[str, Any]


ROLES = (
    "anonymous",
    "voter",  # a member of the public voting in a contest: no account, like anonymous
    "juror",
    "other_fellow",
    "fellow",
    "observer",
    "other_facilitator",
    "facilitator",
    "admin",
)


@pytest.fixture
def world(app: Any, clock: Any) -> World:
    cohort = f.CohortFactory(name="Fellowship 2024")
    other_cohort = f.CohortFactory(name="Other cohort")
    org = f.OrganizationFactory(name="Northside Co-op")
    users = {
        "fellow": f.UserFactory(name="Fiona Fellow", organization=org),
        "observer": f.UserFactory(name="Oscar Observer"),
        "facilitator": f.UserFactory(name="Fatima Facilitator"),
        "other_fellow": f.UserFactory(name="Olga Outsider"),
        "other_facilitator": f.UserFactory(name="Otto Outside-Facilitator"),
        "admin": f.UserFactory(name="Ada Admin", is_admin=True),
        "juror": f.UserFactory(name="Jules Juror"),  # in no cohort; a juror of the contests that name them
    }
    memberships = {
        "fellow": f.MembershipFactory(cohort=cohort, user=users["fellow"], role=Role.FELLOW),
        "observer": f.MembershipFactory(cohort=cohort, user=users["observer"], role=Role.OBSERVER),
        "facilitator": f.MembershipFactory(cohort=cohort, user=users["facilitator"], role=Role.FACILITATOR),
        "other_fellow": f.MembershipFactory(
            cohort=other_cohort, user=users["other_fellow"], role=Role.FELLOW
        ),
        "other_facilitator": f.MembershipFactory(
            cohort=other_cohort, user=users["other_facilitator"], role=Role.FACILITATOR
        ),
    }
    return World(cohort.program, cohort, other_cohort.program, other_cohort, org, users, memberships)


@pytest.fixture
def client_as(app: Any, world: World) -> Any:
    """``client_as("facilitator")``: a fresh client signed in as that person of the world."""

    def make(role: str) -> Client:
        client = app.test_client()
        if role not in {"anonymous", "voter"}:
            client.login_as(world.users[role])
        return client

    return make


class QueryCounter:
    IGNORED_PREFIXES = ("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT")

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.lstrip().upper().startswith(self.IGNORED_PREFIXES):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app: Any) -> Any:
    """``with count_queries() as counter: ...`` counts the SQL statements the application sends."""

    @contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()
        sa.event.listen(db.engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", counter)

    return counting
