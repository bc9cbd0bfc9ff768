"""A consistent copy of the database while the app is in use (``ctflow backup PATH``).

- SQLite: the online backup API (``sqlite3.Connection.backup``) copies the database as of one
  moment, in one step, while requests go on writing (WAL lets them).
- PostgreSQL: ``pg_dump`` in its custom format (``pg_restore`` reads it), of the database, or
  of the app's schema when its search_path puts it in one of its own. The dump reads a snapshot this module exports, in which it also counts the cases, so
  the count printed is exactly the backup's.

The copy is written beside PATH under a temporary name and renamed into place when complete:
PATH never holds half a backup. Connection details come from the app's database URL; the
password goes to ``pg_dump`` in its environment (PGPASSWORD), never on its command line.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import URL, Engine

from app.models import Case


class BackupError(Exception):
    """The backup could not be made; the message says why and what to do."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    cases: int  # cases in the copy


def backup(engine: Engine, path: str | os.PathLike, force: bool = False) -> BackupResult:
    target = Path(path)
    if target.is_dir():
        raise BackupError(f"{target} is a directory; give the path of the backup file to write.")
    if target.exists() and not force:
        raise BackupError(f"{target} exists; use --force to replace it.")
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent} does not exist.")
    dialect = engine.dialect.name
    if dialect not in ("sqlite", "postgresql"):
        raise BackupError(f"No backup for a {dialect} database.")
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    os.close(handle)
    partial = Path(temporary)
    try:
        cases = _sqlite_backup(engine, partial) if dialect == "sqlite" else _postgres_dump(engine, partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(target, target.stat().st_size, cases)


def _sqlite_backup(engine: Engine, partial: Path) -> int:
    source = engine.raw_connection()
    try:
        destination = sqlite3.connect(partial)
        try:
            # One step (pages=-1) holds one read snapshot for the whole copy; writers in WAL mode
            # carry on meanwhile and are not in the copy.
            source.driver_connection.backup(destination, pages=-1)
            return destination.execute("SELECT count(*) FROM case_file").fetchone()[0]
        finally:
            destination.close()
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite backup failed: {exc}") from exc
    finally:
        source.close()


def _postgres_dump(engine: Engine, partial: Path) -> int:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError(
            "pg_dump is not installed (or not on PATH): install the PostgreSQL client tools "
            "(Debian: postgresql-client) of the server's major version or newer."
        )
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection:
        # The snapshot pg_dump will read, exported from this transaction, which stays open until
        # the dump has started reading; the case count is taken in the same snapshot.
        snapshot = connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
        schema = connection.exec_driver_sql("SELECT current_schema()").scalar_one()
        cases = connection.scalar(select(func.count()).select_from(Case))
        command = [
            pg_dump,
            "--format=custom",
            f"--file={partial}",
            f"--snapshot={snapshot}",
            "--no-owner",
            f"--dbname={_libpq_uri(engine.url)}",
        ]
        if schema != "public":
            # The app lives in a schema of its own (search_path): dump that one, whose archive
            # creates it. A public schema is dumped with its database (pg_restore would fail
            # creating "public", which every new database has).
            command.append('--schema="{}"'.format(schema.replace('"', '""')))  # a quoted pattern is literal
        env = {**os.environ, **({"PGPASSWORD": engine.url.password} if engine.url.password else {})}
        try:
            done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        except OSError as exc:
            raise BackupError(f"pg_dump could not be run: {exc}") from exc
    if done.returncode != 0:
        detail = done.stderr.strip() or f"exit status {done.returncode}"
        raise BackupError(f"pg_dump failed: {detail}")
    return cases


def _libpq_uri(url: URL) -> str:
    """The URL as libpq reads it, without the driver name and without the password."""
    plain = URL.create("postgresql", url.username, None, url.host, url.port, url.database, url.query)
    return plain.render_as_string(hide_password=False)
