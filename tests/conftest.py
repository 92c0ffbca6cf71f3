"""Fixtures: real databases (a SQLite file, and PostgreSQL when one is configured).

PostgreSQL tests use the server named by ``FORECASTS_TEST_POSTGRES_URL`` (a role with
CREATEDB). Without it they are skipped with the reason; with
``FORECASTS_REQUIRE_POSTGRES=1`` (CI sets it) a missing server is a failure instead.
Each test gets a fresh, migrated database: a copy of a SQLite file migrated once per
run, or a PostgreSQL database cloned from a migrated template.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from forecasts import migrate
from forecasts.db import make_engine, make_session_factory, resolve_database_url

POSTGRES_URL = os.environ.get("FORECASTS_TEST_POSTGRES_URL")
REDIS_URL = os.environ.get("FORECASTS_TEST_REDIS_URL")
REQUIRE_REDIS = os.environ.get("FORECASTS_REQUIRE_REDIS") == "1"
REQUIRE_POSTGRES = os.environ.get("FORECASTS_REQUIRE_POSTGRES") == "1"
BACKENDS = ["sqlite", "postgresql"]


def _postgres_or_skip() -> str:
    if POSTGRES_URL:
        return resolve_database_url(POSTGRES_URL)
    message = "PostgreSQL tests need FORECASTS_TEST_POSTGRES_URL (a role with CREATEDB)"
    if REQUIRE_POSTGRES:
        pytest.fail(message + "; FORECASTS_REQUIRE_POSTGRES=1 makes this a failure")
    pytest.skip(message)


class PostgresServer:
    """Creates and drops scratch databases on the configured server."""

    def __init__(self, url: str):
        self.url = make_url(url)
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT")

    def url_for(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def create(self, name: str, template: str | None = None) -> str:
        clause = f' TEMPLATE "{template}"' if template else ""
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"{clause}'))
        return self.url_for(name)

    def drop(self, name: str) -> None:
        # FORCE may not end a server process of another role (an autovacuum worker that
        # happens to be in the scratch database): wait for it and try again.
        for attempt in range(20):
            try:
                with self.admin.connect() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                return
            except DBAPIError:
                if attempt == 19:
                    raise
                time.sleep(0.25)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = PostgresServer(_postgres_or_skip())
    try:
        with server.admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # the server named is not reachable: say so plainly
        message = f"PostgreSQL at {server.url.render_as_string()} is not reachable: {error}"
        if REQUIRE_POSTGRES:
            pytest.fail(message)
        pytest.skip(message)
    yield server
    server.admin.dispose()


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The Redis server named by ``FORECASTS_TEST_REDIS_URL``; skipped with the reason
    without one (``FORECASTS_REQUIRE_REDIS=1``, as CI sets, makes that a failure). Tests
    keep apart by key prefix (the app's prefix follows its database's URL)."""
    message = "the shared-store tests need FORECASTS_TEST_REDIS_URL (a Redis server)"
    if not REDIS_URL:
        if REQUIRE_REDIS:
            pytest.fail(message + "; FORECASTS_REQUIRE_REDIS=1 makes this a failure")
        pytest.skip(message)
    import redis

    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError as error:
        if REQUIRE_REDIS:
            pytest.fail(f"Redis at {REDIS_URL} is not reachable: {error}")
        pytest.skip(f"Redis at {REDIS_URL} is not reachable: {error}")
    return REDIS_URL


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "registry.sqlite3"
    migrate.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_template(postgres_server) -> Iterator[str]:
    name = f"forecasts_tmpl_{uuid.uuid4().hex[:10]}"
    url = postgres_server.create(name)
    migrate.upgrade(url)
    yield name
    postgres_server.drop(name)


@pytest.fixture
def empty_database_url(request, tmp_path) -> Iterator[str]:
    """A database with no schema at all, on the backend named by the test's parameter."""
    backend = getattr(request, "param", "sqlite")
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    server = request.getfixturevalue("postgres_server")
    name = f"forecasts_t_{uuid.uuid4().hex[:12]}"
    yield server.create(name)
    server.drop(name)


def _migrated_database(request, path: Path, backend: str) -> Iterator[str]:
    """A fresh database migrated to the latest revision (a copy of the template): a
    SQLite file at ``path``, or a new PostgreSQL database dropped afterwards."""
    if backend == "sqlite":
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    server = request.getfixturevalue("postgres_server")
    template = request.getfixturevalue("postgres_template")
    name = f"forecasts_t_{uuid.uuid4().hex[:12]}"
    yield server.create(name, template=template)
    server.drop(name)


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> Iterator[str]:
    """A fresh database migrated to the latest revision, on SQLite then PostgreSQL."""
    yield from _migrated_database(request, tmp_path / "registry.sqlite3", request.param)


@pytest.fixture(scope="module", params=BACKENDS)
def module_database_url(request, tmp_path_factory) -> Iterator[str]:
    """One fresh, migrated database per test module and backend: for a registry that is
    expensive to build and that the module's tests only read."""
    path = tmp_path_factory.mktemp("module") / "registry.sqlite3"
    yield from _migrated_database(request, path, request.param)


@pytest.fixture
def second_database_url(request, database_url, tmp_path) -> Iterator[str]:
    """Another fresh, migrated database on the same backend as ``database_url``."""
    backend = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    yield from _migrated_database(request, tmp_path / "second.sqlite3", backend)


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine):
    with make_session_factory(engine)() as session:
        yield session


def snapshot(engine) -> dict[str, list[tuple]]:
    """Every row of every registry table, to prove a refused action changed nothing."""
    from forecasts.models import Base

    with engine.connect() as connection:
        return {
            table.name: sorted(
                (tuple(map(repr, row)) for row in connection.execute(table.select())),
            )
            for table in Base.metadata.sorted_tables
        }


@pytest.fixture
def snapshot_of():
    return snapshot


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory, sqlite_template):
    """The seed registry and one user per role on SQLite, built once; tests copy it."""
    from forecasts import services
    from forecasts.seeding import load_seeds
    from support import PASSWORD, ROLES

    path = tmp_path_factory.mktemp("seeded") / "registry.sqlite3"
    shutil.copyfile(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    with make_session_factory(engine)() as session:
        load_seeds(session)
        for role in ROLES:
            services.create_user(
                session, services.Actor.system(), name=role, role=role, password=PASSWORD
            )
    engine.dispose()
    return path


@pytest.fixture
def seeded_sqlite_url(tmp_path, seeded_template) -> str:
    """A copy of the seeded registry (``seeded_template``) for one test."""
    path = tmp_path / "registry.sqlite3"
    shutil.copyfile(seeded_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def seeded_engine(seeded_sqlite_url):
    engine = make_engine(seeded_sqlite_url)
    yield engine
    engine.dispose()


@pytest.fixture
def make_app(seeded_sqlite_url):
    """Apps over the test's seeded registry: ``make_app(**config)`` adds to the test
    configuration (``support.APP_CONFIG``)."""
    from support import make_test_app

    apps = []

    def factory(**config):
        apps.append(make_test_app(seeded_sqlite_url, **config))
        return apps[-1]

    yield factory
    for app in apps:
        app.extensions["forecasts.engine"].dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def as_role(app):
    """A test client signed in as the seeded user of a role (``None``: signed out)."""
    from support import sign_in

    def client_for(role: str | None):
        client = app.test_client()
        return sign_in(client, role) if role else client

    return client_for


@pytest.fixture(scope="session", autouse=True)
def forecasts_home(tmp_path_factory) -> Iterator[Path]:
    """A home of the suite's own, so nothing it makes there (the default SQLite file,
    the stored secret key) lands in the user's real one."""
    home = tmp_path_factory.mktemp("home")
    before = os.environ.get("FORECASTS_HOME")
    os.environ["FORECASTS_HOME"] = str(home)
    yield home
    if before is None:
        os.environ.pop("FORECASTS_HOME", None)
    else:
        os.environ["FORECASTS_HOME"] = before
