"""Rows of append-only tables (a case's history, milestones and letters, the access log) written
in bulk.

A transaction's new rows of these tables are written together before the session flushes or
commits, rather than one INSERT ... RETURNING each through the unit of work (the ORM's way, as it
wants each row's id): nothing that appends them needs their ids, and the unit of work's
bookkeeping for each mapped object costs more than the INSERT (bench/bench_engine.py). On
PostgreSQL every table's rows go in ONE statement, each table's as one JSON parameter (the text
stays the same whatever the number of rows, so the server plans it once per connection): a
round trip each costs more than the rows (a completion appends to four tables). On SQLite, where
a statement costs no round trip, one INSERT of many rows per table. Rows added in a transaction or
savepoint that rolls back are never written.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, Table, TextClause, event, insert, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session, SessionTransaction

from app.extensions import db

# session.info: the rows not written yet, each with its table and the (sub)transaction it was
# added in, in the order they were added.
_QUEUE = "ctflow.rows_queued"
_POSTGRESQL = postgresql.dialect()
# Called with the session when its outermost transaction is about to commit, before its queued
# rows are written: rows they append are written with the others (the access log's entries).
_BEFORE_COMMIT_WRITE: list[Callable[[Session], None]] = []


def append_row(table: Table, row: dict[str, Any]) -> None:
    """Add ``row`` to ``table`` in the current transaction (written before its next flush or its
    commit); the row refers only to rows already flushed (a case with its id)."""
    append_rows(db.session(), table, [row])


def append_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    if session.get_transaction() is None:
        session.connection()  # begins the transaction the rows belong to
    transaction = session.get_nested_transaction() or session.get_transaction()
    queued(session).extend((transaction, table, row) for row in rows)


def before_commit_write(hook: Callable[[Session], None]) -> Callable[[Session], None]:
    """Register ``hook`` to run as a session's outermost transaction commits, before the rows
    queued in it are written (so that rows it appends are written in the same statement)."""
    _BEFORE_COMMIT_WRITE.append(hook)
    return hook


def queued(session: Session | None = None) -> list[tuple[SessionTransaction | None, Table, dict[str, Any]]]:
    """The session's rows not written yet."""
    return (session or db.session()).info.setdefault(_QUEUE, [])


@event.listens_for(Session, "before_commit")
def _write_at_commit(session: Session) -> None:
    if not session.in_nested_transaction():
        for hook in _BEFORE_COMMIT_WRITE:
            hook(session)
    _write_queued(session)


@event.listens_for(Session, "before_flush")
def _write_queued(session: Session, *args) -> None:
    rows = session.info.pop(_QUEUE, None)
    if rows:
        by_table: dict[Table, list[dict[str, Any]]] = {}
        for _transaction, table, row in rows:
            by_table.setdefault(table, []).append(row)
        write(session.connection(), by_table)


def write(connection: Connection, by_table: dict[Table, list[dict[str, Any]]]) -> None:
    """Insert each table's rows (no ids asked back)."""
    if connection.dialect.name == "postgresql":
        tables = sorted(by_table, key=lambda t: t.name)  # one statement per set of tables
        columns = tuple(_columns(t, by_table[t]) for t in tables)
        statement = _one_statement(tuple(tables), columns)
        connection.execute(
            statement,
            {
                f"rows_{n}": _json_rows(t, c, by_table[t])
                for n, (t, c) in enumerate(zip(tables, columns, strict=True))
            },
        )
        return
    for table, table_rows in by_table.items():
        connection.execute(insert(table).inline(), table_rows)


def _columns(table: Table, rows: list[dict[str, Any]]) -> tuple[str, ...]:
    """The columns the rows give, and those the table fills by a default, in the table's order."""
    given = set().union(*rows)
    return tuple(
        c.name for c in table.columns if c.name in given or (c.default is not None and c.default.is_scalar)
    )


@cache
def _one_statement(tables: tuple[Table, ...], columns: tuple[tuple[str, ...], ...]) -> TextClause:
    """INSERTs into each table from its rows' JSON (json_populate_recordset reads each value as
    its column's type), chained as data-modifying WITH queries: one statement."""
    quote = _POSTGRESQL.identifier_preparer.quote
    inserts = []
    for n, (table, names) in enumerate(zip(tables, columns, strict=True)):
        listed = ", ".join(quote(name) for name in names)
        inserts.append(
            f"INSERT INTO {quote(table.name)} ({listed}) SELECT {listed} "
            f"FROM json_populate_recordset(NULL::{quote(table.name)}, CAST(:rows_{n} AS JSON))"
        )
    *first, last = inserts
    with_ = ", ".join(f"appended_{n} AS ({sql})" for n, sql in enumerate(first))
    return text(f"WITH {with_} {last}" if first else last)


def _json_rows(table: Table, names: tuple[str, ...], rows: list[dict[str, Any]]) -> str:
    """The rows as a JSON array, each with the defaults of the columns it leaves out (as INSERT
    fills them): a key missing from the JSON would be NULL."""
    defaults = {
        n: c.default.arg for n in names if (c := table.c[n]).default is not None and c.default.is_scalar
    }
    if defaults:
        rows = [{**defaults, **row} for row in rows]
    return json.dumps(rows, default=_json_value, separators=(",", ":"))


def _json_value(value: Any) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is None:  # as UTCDateTime refuses it
            raise ValueError("naive datetime given for a UTC column")
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a column value")


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
