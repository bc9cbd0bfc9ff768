"""Rows of append-only tables (a case's history, milestones and letters) written in bulk.

A transaction's new rows of these tables are written together, one INSERT of many rows per table
before the session flushes or commits, rather than one INSERT ... RETURNING each through the
unit of work (the ORM's way, as it wants each row's id): nothing that appends them needs their
ids, and the unit of work's bookkeeping for each mapped object costs more than the INSERT
(bench/bench_engine.py). Rows added in a transaction or savepoint that rolls back are never written.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, event, insert
from sqlalchemy.orm import Session, SessionTransaction

from app.extensions import db

# session.info: the rows not written yet, each with its table and the (sub)transaction it was
# added in, in the order they were added.
_QUEUE = "ctflow.rows_queued"


def append_row(table: Table, row: dict[str, Any]) -> None:
    """Add ``row`` to ``table`` in the current transaction (written before its next flush or its
    commit); the row refers only to rows already flushed (a case with its id)."""
    session = db.session()
    if session.get_transaction() is None:
        session.connection()  # begins the transaction the row belongs to
    transaction = session.get_nested_transaction() or session.get_transaction()
    queued(session).append((transaction, table, row))


def queued(session: Session | None = None) -> list[tuple[SessionTransaction | None, Table, dict[str, Any]]]:
    """The session's rows not written yet."""
    return (session or db.session()).info.setdefault(_QUEUE, [])


@event.listens_for(Session, "before_flush")
@event.listens_for(Session, "before_commit")
def _write_queued(session: Session, *args) -> None:
    rows = session.info.pop(_QUEUE, None)
    if rows:
        by_table: dict[Table, list[dict[str, Any]]] = {}
        for _transaction, table, row in rows:
            by_table.setdefault(table, []).append(row)
        connection = session.connection()
        for table, table_rows in by_table.items():
            connection.execute(insert(table).inline(), table_rows)  # no ids asked back


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, rolled_back: SessionTransaction) -> None:
    rows = session.info.get(_QUEUE)
    if rows:
        rows[:] = [entry for entry in rows if not _within(entry[0], rolled_back)]


@event.listens_for(Session, "after_transaction_end")
def _forget_unwritten(session: Session, ended: SessionTransaction) -> None:
    """Whatever a session's transaction leaves unwritten (closed without a commit) ends with it."""
    if ended.parent is None:
        session.info.pop(_QUEUE, None)


def _within(transaction: SessionTransaction | None, outer: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is outer:
            return True
        transaction = transaction.parent
    return False
