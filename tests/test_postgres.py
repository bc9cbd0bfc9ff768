"""PostgreSQL connections (app/postgres.py): one the server ended while it sat in the pool is
replaced before a request uses it, with no ping; a transaction that only read keeps psycopg's
prepared statements; one that wrote still rolls back. On PostgreSQL alone, the only backend
they concern."""

from __future__ import annotations

import time

import psycopg
import pytest
from sqlalchemy import insert, select, text

from app.extensions import db
from app.models import Throttle
from tests.conftest import POSTGRES_DSN
from tests.factories.users import auth_headers

pytestmark = pytest.mark.parametrize("app", ["postgresql"], indirect=True)


def backend_pid(app) -> int:
    with app.app_context():
        pid = db.session.scalar(text("SELECT pg_backend_pid()"))
        db.session.commit()
        return pid


def test_a_connection_the_server_ended_in_the_pool_is_replaced_before_a_request_uses_it(app, client):
    headers = auth_headers(app, client)
    with app.app_context():
        db.engine.dispose()  # the pool holds the one connection the next request opens
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    pid = backend_pid(app)
    with psycopg.connect(POSTGRES_DSN, autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone() == (True,)
        for _ in range(100):  # until the backend has gone and closed its end
            if not admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone():
                break
            time.sleep(0.05)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert backend_pid(app) != pid


def prepared_statements(app) -> int:
    with app.app_context():
        count = db.session.scalar(text("SELECT count(*) FROM pg_prepared_statements"))
        db.session.commit()
        return count


def test_a_transaction_that_only_read_keeps_the_prepared_statements(app):
    with app.app_context():
        db.engine.dispose()
        for _ in range(6):  # psycopg prepares a statement at its fifth run on a connection
            db.session.execute(select(Throttle).where(Throttle.key == "someone")).all()
        db.session.commit()
    assert prepared_statements(app) >= 1
    with app.app_context():
        db.session.execute(select(Throttle).where(Throttle.key == "someone")).all()
        db.session.close()  # what ends each request: the transaction rolled back, as SQLAlchemy sees it
    assert prepared_statements(app) >= 1


def test_a_transaction_that_wrote_is_still_rolled_back(app, clock):
    with app.app_context():
        db.session.execute(select(Throttle)).all()
        db.session.execute(insert(Throttle).values(key="rolled-back", attempts=1, expires_at=clock.now()))
        db.session.close()
        assert db.session.scalar(select(Throttle).where(Throttle.key == "rolled-back")) is None


def test_a_case_s_workflow_and_its_letters_are_stored_compressed_with_lz4(app, derby, clock):
    """Migration 0023: the large values every completion writes, compressed the faster way."""
    from tests.factories.cases import application

    clock.freeze("2026-12-14T09:00:00+00:00")
    case = derby.open_case(application(received_on="2026-12-10"))
    derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})  # a letter
    with app.app_context():
        stored = db.session.execute(
            text(
                "SELECT pg_column_compression(c.workflow), pg_column_compression(d.html) "
                "FROM case_file c JOIN document d ON d.case_id = c.id WHERE c.id = :id"
            ),
            {"id": case["id"]},
        ).all()
        db.session.commit()
    assert stored and set(stored) == {("lz4", "lz4")}
