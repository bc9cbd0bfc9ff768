"""Rows of append-only tables (a case's history, milestones and letters, the access log) written
in bulk.

A transaction's new rows of these tables are written together before the session flushes or
commits, rather than one INSERT ... RETURNING each through the unit of work (the ORM's way, as it
wants each row's id): nothing that appends them needs their ids, and the unit of work's
bookkeeping for each mapped object costs more than the INSERT (bench/bench_engine.py). On
PostgreSQL every table's rows go in ONE statement, each table's as one JSON parameter (the text
stays the same whatever the number of rows, so the server plans it once per connection): a
round trip each costs more than the rows (a completion appends to four tables). The same
statement writes what a run does to the rows it rewrites (write_with_appended: the case, its tasks,
its deadlines): their changed columns, instead of the unit of work's UPDATE each, and their new
rows, instead of its INSERT ... RETURNING each, the new rows' ids read back in the same answer. On
SQLite, where a statement costs no round trip, one INSERT of many rows per table, and the unit of
work's UPDATEs and INSERTs. Rows added in a transaction or savepoint that rolls back are never
written.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import Connection, Table, TextClause, bindparam, event, insert, inspect, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import (
    InstanceState,
    Session,
    SessionTransaction,
    make_transient,
    make_transient_to_detached,
)
from sqlalchemy.orm.attributes import PASSIVE_NO_INITIALIZE, set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db

# session.info: the rows not written yet, each with its table and the (sub)transaction it was
# added in, in the order they were added.
_QUEUE = "ctflow.rows_queued"
# session.info: the objects whose new rows the statement wrote, each with the (sub)transaction
# it wrote them in, until the outermost transaction ends.
_INSERTED = "ctflow.objects_inserted"
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
    postgresql = session.get_bind().dialect.name == "postgresql"
    changes = _changes(session) if postgresql else []
    new = _new_rows(session) if postgresql else []
    if rows or changes or new:
        by_table: dict[Table, list[dict[str, Any]]] = {}
        for _transaction, table, row in rows or ():
            by_table.setdefault(table, []).append(row)
        write(session.connection(), by_table, changes, new)
        if new:
            _made_persistent(session, new)


def write(
    connection: Connection,
    by_table: dict[Table, list[dict[str, Any]]],
    changes: list[Change] = (),
    new: list[NewRow] = (),
) -> None:
    """Insert each table's rows (no ids asked back); on PostgreSQL, with the ``changes`` of rows
    and the ``new`` rows whose ids are wanted (set on them)."""
    if connection.dialect.name == "postgresql":
        tables = sorted(by_table, key=lambda t: t.name)  # one statement per set of tables
        columns = tuple(_columns(t, by_table[t]) for t in tables)
        new_tables = sorted({row.table for row in new}, key=lambda t: t.name)
        new_by_table = {t: [row for row in new if row.table is t] for t in new_tables}
        new_columns = tuple(_columns(t, [row.values for row in new_by_table[t]]) for t in new_tables)
        statement = _one_statement(
            tuple(zip(tables, columns, strict=True)),
            tuple(c.shape for c in changes),
            tuple(zip(new_tables, new_columns, strict=True)),
        )
        params = {
            f"rows_{n}": _json_rows(t, c, by_table[t])
            for n, (t, c) in enumerate(zip(tables, columns, strict=True))
        }
        for n, change in enumerate(changes):
            params.update(change.params(n))
        for n, (table, names) in enumerate(zip(new_tables, new_columns, strict=True)):
            params[f"new_{n}"] = _json_rows(table, names, [row.values for row in new_by_table[table]])
        result = connection.execute(statement, params)
        if changes or new:
            answer = result.one()
            _check_and_commit(changes, answer[: len(changes)])
            for table, ids in zip(new_tables, answer[len(changes) :], strict=True):
                _set_ids(new_by_table[table], ids)
        return
    for table, table_rows in by_table.items():
        connection.execute(insert(table).inline(), table_rows)


def _columns(table: Table, rows: list[dict[str, Any]]) -> tuple[str, ...]:
    """The columns the rows give, and those the table fills by a default, in the table's order."""
    given = set().union(*rows)
    return tuple(
        c.name for c in table.columns if c.name in given or (c.default is not None and c.default.is_scalar)
    )


@lru_cache(maxsize=256)
def _one_statement(
    inserts: tuple[tuple[Table, tuple[str, ...]], ...],
    updates: tuple[tuple[Table, tuple[str, ...], tuple[str, ...]], ...],
    new: tuple[tuple[Table, tuple[str, ...]], ...] = (),
) -> TextClause:
    """INSERTs into each table from its rows' JSON (json_populate_recordset reads each value as
    its column's type), the UPDATEs of changed rows and the INSERTs of new rows, chained as
    data-modifying WITH queries: one statement. With UPDATEs or new rows, it answers how many rows
    each UPDATE updated, then each new table's ids in ascending order."""
    quote = _POSTGRESQL.identifier_preparer.quote
    queries, binds = [], []
    for n, (table, names) in enumerate(inserts):
        listed = ", ".join(quote(name) for name in names)
        queries.append(
            f"INSERT INTO {quote(table.name)} ({listed}) SELECT {listed} "
            f"FROM json_populate_recordset(NULL::{quote(table.name)}, CAST(:rows_{n} AS JSON))"
        )
    for n, (table, names) in enumerate(new):
        # Inserted in the rows' order, so that the sequence numbers them in that order (as
        # SQLAlchemy's own "insertmanyvalues" relies on): the ids sorted are the rows' in order.
        listed = ", ".join(quote(name) for name in names)
        (key,) = table.primary_key.columns
        queries.append(
            f"INSERT INTO {quote(table.name)} ({listed}) SELECT {listed} "
            f"FROM json_populate_recordset(NULL::{quote(table.name)}, CAST(:new_{n} AS JSON)) "
            f"WITH ORDINALITY AS given ORDER BY given.ordinality RETURNING {quote(key.name)}"
        )
    for n, (table, set_names, where_names) in enumerate(updates):
        types = {column.name: column.type for column in table.columns}
        sets = ", ".join(f"{quote(name)} = :set_{n}_{i}" for i, name in enumerate(set_names))
        where = " AND ".join(f"{quote(name)} = :where_{n}_{i}" for i, name in enumerate(where_names))
        queries.append(f"UPDATE {quote(table.name)} SET {sets} WHERE {where} RETURNING 1")
        binds += [bindparam(f"set_{n}_{i}", type_=types[name]) for i, name in enumerate(set_names)]
        binds += [bindparam(f"where_{n}_{i}", type_=types[name]) for i, name in enumerate(where_names)]
    if updates or new:
        named = [f"written_{n} AS ({sql})" for n, sql in enumerate(queries)]
        first_update = len(inserts) + len(new)
        answers = [f"(SELECT count(*) FROM written_{first_update + n})" for n in range(len(updates))]
        for n, (table, _names) in enumerate(new):
            key = quote(table.primary_key.columns[0].name)
            answers.append(f"(SELECT array_agg({key} ORDER BY {key}) FROM written_{len(inserts) + n})")
        return text(f"WITH {', '.join(named)} SELECT {', '.join(answers)}").bindparams(*binds)
    *first, last = queries
    with_ = ", ".join(f"written_{n} AS ({sql})" for n, sql in enumerate(first))
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


# The models whose rows' changes and new rows are written by that statement on PostgreSQL, rather
# than by the unit of work's UPDATE and INSERT each (write_with_appended): what a run rewrites.
_WRITTEN_WITH_APPENDED: set[type] = set()


def write_with_appended(*models: type) -> None:
    """On PostgreSQL, write these models' changed columns and new rows with the appended rows, in
    the same statement, instead of an UPDATE or INSERT each from the unit of work: a completion
    changes its case, its task and a deadline, and opens the next task. The unit of work still
    writes anything else (deleted rows, a change made through a relationship or to a key, a new
    row that refers to one not written yet). A versioned row (the case) is updated only at the
    version it was read at, else StaleDataError, as the unit of work would raise."""
    _WRITTEN_WITH_APPENDED.update(models)


class Change(NamedTuple):
    """The changed columns of one row, to be written by the statement."""

    state: InstanceState
    table: Table
    values: dict[str, Any]  # column name -> new value (the version's next among them)
    where: dict[str, Any]  # column name -> value: the primary key, and the version read
    committed: dict[str, Any]  # attribute key -> value, committed once written

    @property
    def shape(self) -> tuple[Table, tuple[str, ...], tuple[str, ...]]:
        return self.table, tuple(self.values), tuple(self.where)

    def params(self, n: int) -> dict[str, Any]:
        sets = {f"set_{n}_{i}": value for i, value in enumerate(self.values.values())}
        return sets | {f"where_{n}_{i}": value for i, value in enumerate(self.where.values())}


def _of_written_models(objects, record_of: Callable[[InstanceState], Any]) -> list:
    """What ``record_of`` makes of each object of the models written with the appended rows,
    leaving out those it leaves to the unit of work (None)."""
    records = (record_of(inspect(obj)) for obj in objects if type(obj) in _WRITTEN_WITH_APPENDED)
    return [record for record in records if record is not None]


def _changes(session: Session) -> list[Change]:
    changes = _of_written_models(session.dirty, _change_of)
    changes.sort(key=lambda c: (c.table.name, tuple(c.where.values())))  # a stable order of locks
    return changes


def _change_of(state: InstanceState) -> Change | None:
    """The row's changed columns, or None if it has none, or anything the unit of work must see to."""
    mapper = state.mapper
    if state.key is None or state.deleted or len(mapper.tables) != 1:
        return None
    values, committed = {}, {}
    columns = mapper.column_attrs
    for key in state.committed_state:  # the attributes changed since loaded (as the unit of work reads them)
        if key not in columns:
            continue
        prop = columns[key]
        impl = state.manager[key].impl
        history = impl.get_history(state, state.dict, PASSIVE_NO_INITIALIZE)
        if not history.added or (history.deleted and impl.is_equal(history.added[0], history.deleted[0])):
            continue
        column = prop.columns[0]
        if column.primary_key or column is mapper.version_id_col:
            return None  # left to the unit of work
        values[column.name] = committed[prop.key] = history.added[0]
    if not values:
        return None
    # In the table's order, so that the statement's text does not depend on the order of changes.
    values = {
        column.name: values[column.name] for column in mapper.local_table.columns if column.name in values
    }
    where = {column.name: value for column, value in zip(mapper.primary_key, state.key[1], strict=True)}
    if mapper.version_id_col is not None:
        key = mapper.get_property_by_column(mapper.version_id_col).key
        read = state.committed_state.get(key, state.dict.get(key))
        if read is None or mapper.version_id_generator is False:
            return None
        where[mapper.version_id_col.name] = read
        values[mapper.version_id_col.name] = committed[key] = mapper.version_id_generator(read)
    return Change(state, mapper.local_table, values, where, committed)


class NewRow(NamedTuple):
    """A new row to be inserted by the statement, its id read back."""

    state: InstanceState
    table: Table
    values: dict[str, Any]  # column name -> value, every column but the id


def _new_rows(session: Session) -> list[NewRow]:
    return _of_written_models(session.new, _new_row_of)


def _new_row_of(state: InstanceState) -> NewRow | None:
    """The new row's values, or None if the unit of work must write it: its id is not a sequence's
    (one table, one integer key not given), or a column it leaves out has a default the database
    or a function gives, or a column that may not be NULL has no value yet (a key the unit of work
    fills from a relationship: a task of a case not written yet)."""
    mapper = state.mapper
    if len(mapper.tables) != 1 or len(mapper.primary_key) != 1 or mapper.version_id_col is not None:
        return None
    (key,) = mapper.primary_key
    if not key.autoincrement or state.dict.get(mapper.get_property_by_column(key).key) is not None:
        return None
    values = {}
    for prop in mapper.column_attrs:
        column = prop.columns[0]
        if column is key:
            continue
        if prop.key in state.dict:
            value = state.dict[prop.key]
        elif column.server_default is not None or (
            column.default is not None and not column.default.is_scalar
        ):
            return None
        else:
            value = column.default.arg if column.default is not None else None
        if value is None and not column.nullable:
            return None
        values[column.name] = value
    return NewRow(state, mapper.local_table, values)


def _set_ids(rows: list[NewRow], ids: Sequence[int] | None) -> None:
    """The ids, ascending, are the rows' in the order given (_one_statement)."""
    if len(ids or ()) != len(rows):
        raise StaleDataError(
            f"INSERT into '{rows[0].table.name}' expected {len(rows)} ids; got {len(ids or ())}."
        )
    for row, id_ in zip(rows, ids, strict=True):
        row.values[row.table.primary_key.columns[0].name] = id_


def _made_persistent(session: Session, rows: list[NewRow]) -> None:
    """The written rows' objects become what a query would have loaded: persistent, with their
    ids, every column's value committed, nothing left for the unit of work to insert. If the
    (sub)transaction rolls back, they become transient again (_drop_rolled_back), as the unit of
    work's inserts do."""
    transaction = session.get_nested_transaction() or session.get_transaction()
    inserted = session.info.setdefault(_INSERTED, [])
    for row in rows:
        obj = row.state.obj()
        mapper = row.state.mapper
        session.expunge(obj)
        for column_name, value in row.values.items():
            set_committed_value(obj, mapper.get_property_by_column(row.table.c[column_name]).key, value)
        make_transient_to_detached(obj)
        session.add(obj)
        inserted.append((transaction, obj))


def _check_and_commit(changes: list[Change], counts: Sequence[int]) -> None:
    for change, count in zip(changes, counts, strict=True):
        if count != 1:
            raise StaleDataError(
                f"UPDATE statement on table '{change.table.name}' expected to update 1 row(s); {count} were matched."
            )
    for change in changes:  # written: nothing left for the unit of work
        obj = change.state.obj()
        for key, value in change.committed.items():
            set_committed_value(obj, key, value)


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
    inserted = session.info.get(_INSERTED)
    if inserted:  # a savepoint's (the outermost transaction's end sees to its own)
        for transaction, obj in inserted:
            if _within(transaction, rolled_back) and not inspect(obj).transient:
                make_transient(obj)  # its row is gone
        inserted[:] = [entry for entry in inserted if not _within(entry[0], rolled_back)]


@event.listens_for(Session, "after_commit")
def _inserted_for_good(session: Session) -> None:
    if not session.in_nested_transaction():  # a savepoint released: the outermost may still roll back
        session.info.pop(_INSERTED, None)


@event.listens_for(Session, "after_transaction_end")
def _forget_unwritten(session: Session, ended: SessionTransaction) -> None:
    """Whatever a session's transaction leaves unwritten (closed without a commit) ends with it,
    and the objects whose rows it inserted become transient again."""
    if ended.parent is None:
        session.info.pop(_QUEUE, None)
        for _transaction, obj in session.info.pop(_INSERTED, ()):
            if not inspect(obj).transient:
                make_transient(obj)


def _within(transaction: SessionTransaction | None, outer: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is outer:
            return True
        transaction = transaction.parent
    return False
