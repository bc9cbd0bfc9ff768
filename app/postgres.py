"""How ctflow's PostgreSQL connections (psycopg 3) are checked and their transactions ended, to
spare round trips (issue 14):

- A connection taken from the pool is checked without a round trip: a connection idle in the
  pool receives nothing, so one whose socket has something to read was ended by the server (a
  restart, an idle timeout, pg_terminate_backend: a last message, then the socket closed) and is
  replaced. ``pool_pre_ping`` would send ``SELECT 1`` at every checkout, one round trip per
  request; neither notices a server that vanished without closing the socket.
- A transaction that wrote nothing ends with COMMIT, not ROLLBACK: the same for the database, but
  psycopg forgets every prepared statement at a ROLLBACK (and sends DEALLOCATE ALL), so each read
  (a page, the inbox) would make the next requests on the connection parse and plan their
  statements again, the case's query among them, until psycopg prepares them anew. A transaction
  that sent anything but SELECT statements, or that failed, still rolls back.
"""

from __future__ import annotations

import select

import psycopg
from psycopg.pq import ConnStatus, TransactionStatus
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DisconnectionError

_WROTE = "ctflow.wrote"  # Connection.info: a statement other than SELECT was sent in this transaction


def ended_by_server(connection: psycopg.Connection) -> bool:
    """Whether a connection idle in the pool is no longer usable, seen without a round trip."""
    if connection.closed or connection.broken or connection.pgconn.status != ConnStatus.OK:
        return True
    poll = select.poll()
    poll.register(connection.pgconn.socket, select.POLLIN)
    return bool(poll.poll(0))


def _check_out(dbapi_connection, _record, _proxy) -> None:
    if ended_by_server(dbapi_connection):
        raise DisconnectionError("The server ended the connection while it was in the pool.")


def _begin(connection: Connection) -> None:
    connection.info.pop(_WROTE, None)


def _before_execute(connection: Connection, _cursor, statement: str, *_args) -> None:
    if statement.lstrip()[:6].upper() != "SELECT":
        connection.info[_WROTE] = True


def _end_reading_with_commit(connection: Connection) -> None:
    """Before SQLAlchemy rolls a transaction back: COMMIT instead if it only read, after which
    psycopg's rollback has nothing to do."""
    dbapi_connection = connection.connection.dbapi_connection
    if (
        not connection.info.get(_WROTE)
        and dbapi_connection.info.transaction_status == TransactionStatus.INTRANS
    ):
        try:
            dbapi_connection.commit()
        except psycopg.Error:
            pass  # the rollback that follows sees to it


def install_connection_events(engine: Engine) -> None:
    """On the app's PostgreSQL engine (its pool keeps them when disposed: serving.post_fork)."""
    event.listen(engine, "checkout", _check_out)
    event.listen(engine, "begin", _begin)
    event.listen(engine, "before_cursor_execute", _before_execute)
    event.listen(engine, "rollback", _end_reading_with_commit)
