"""Test fixtures.

Database tests run once per backend: SQLite, and PostgreSQL (127.0.0.1:5432, database ``test``,
user ``postgres``) in a schema of its own per test process; an unreachable PostgreSQL stops the
run with a message (CTFLOW_TEST_BACKENDS=sqlite runs the SQLite half alone).
The schema is made by the Alembic migrations, exactly as ``ctflow db upgrade`` makes it.
Each test starts from empty tables plus the configured councils, with the clock frozen.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import psycopg
import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import text

from app import create_app
from app.extensions import db
from app.services import access_log
from app.services.council_settings import forget_cache as forget_settings_cache
from app.services.councils import sync_council_rows

POSTGRES_DSN = os.getenv("CTFLOW_TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = [b for b in os.getenv("CTFLOW_TEST_BACKENDS", "sqlite,postgresql").split(",") if b]
FROZEN_AT = "2026-11-23T10:00:00+00:00"  # a Monday


def _worker() -> str:
    return os.getenv("PYTEST_XDIST_WORKER", "main")


def _postgres_reachable() -> str | None:
    try:
        with psycopg.connect(POSTGRES_DSN, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0]


def _drop_schema(schema: str) -> None:
    with psycopg.connect(POSTGRES_DSN, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _postgres_schema_url(schema: str) -> tuple[str, dict]:
    with psycopg.connect(POSTGRES_DSN, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.execute(f'CREATE SCHEMA "{schema}"')
    url = "postgresql+psycopg://" + POSTGRES_DSN.split("://", 1)[1]
    return url, {"connect_args": {"options": f"-c search_path={schema}"}}


@pytest.fixture(scope="session", params=BACKENDS)
def app(request, tmp_path_factory) -> Iterator[Flask]:
    backend = request.param
    instance = tmp_path_factory.mktemp(f"instance-{backend}")
    engine_options: dict = {}
    if backend == "sqlite":
        url = f"sqlite:///{instance / 'ctflow.sqlite3'}"
    elif backend == "postgresql":
        problem = _postgres_reachable()
        if problem:
            # Never a silent skip: CI has this server, so its half of the suite must run there.
            pytest.exit(
                f"PostgreSQL at {POSTGRES_DSN} is not reachable ({problem}). Start it, or run only the "
                "SQLite half with CTFLOW_TEST_BACKENDS=sqlite.",
                returncode=3,
            )
        # A schema per test process, so parallel runs (xdist workers, or two developers) never meet.
        schema = f"ctflow_test_{_worker()}_{os.getpid()}"
        url, engine_options = _postgres_schema_url(schema)
        request.addfinalizer(lambda: _drop_schema(schema))
    else:
        raise pytest.UsageError(f"unknown backend {backend!r} in CTFLOW_TEST_BACKENDS")
    app = create_app(
        "test",
        INSTANCE_PATH=str(instance),
        SQLALCHEMY_DATABASE_URI=url,
        SQLALCHEMY_ENGINE_OPTIONS=engine_options,
        SECRET_KEY="test-secret-key",
        NOW=FROZEN_AT,
    )
    app.config["BACKEND"] = backend
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _fresh_state(request) -> Iterator[None]:
    """Empty tables, the councils loaded and the clock frozen, before every database test."""
    if "app" not in request.fixturenames:
        yield
        return
    app: Flask = request.getfixturevalue("app")
    # Before the commit below, which would write them: the access log's entries of the last test.
    access_log.discard_pending(app)
    with app.app_context():
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        if app.config["BACKEND"] == "postgresql":
            db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                db.session.execute(text(f"DELETE FROM {table}"))
        db.session.commit()
        sync_council_rows()
        # The settings this process remembers were of the rows just emptied.
        forget_settings_cache()
    app.extensions["ctflow.clock"].freeze(FROZEN_AT)
    app.extensions.pop("ctflow.openapi", None)
    yield


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def clock(app):
    return app.extensions["ctflow.clock"]


@pytest.fixture
def processes(app):
    """The shipped diagrams stored as versions and bound to every council."""
    from app.services.processes import load_shipped_diagrams

    with app.app_context():
        return {key: version.number for key, version in load_shipped_diagrams().items()}


@pytest.fixture
def derby(app, client, processes, monkeypatch):
    """Derby City's staff and partners, signed in with tokens that outlive a case's months."""
    from tests.factories.actors import Council

    monkeypatch.setitem(app.config, "TOKEN_TTL_SECONDS", 2 * 365 * 86400)
    return Council(app, client, "derby-city")
