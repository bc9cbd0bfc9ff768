"""`ctflow backup PATH` while cases are being written, restored and checked with `ctflow check`."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import threading
import uuid
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, create_mock_engine

from app import create_app
from app.extensions import db
from app.services.backup import BackupError, backup
from tests.conftest import FROZEN_AT, POSTGRES_DSN
from tests.factories.cases import application


def _write_cases(app, headers, stop: threading.Event, written: list, errors: list) -> None:
    """Open cases and acknowledge them, until told to stop."""
    client = app.test_client()
    try:
        while not stop.is_set():
            response = client.post("/api/v1/councils/derby-city/cases", json=application(), headers=headers)
            assert response.status_code == 201, response.get_json()
            case = response.get_json()
            task = next(t for t in case["open_tasks"] if t["form"] == "acknowledge")
            done = client.post(
                f"/api/v1/tasks/{task['id']}/complete",
                json={"sent_on": "2026-12-14", "method": "email"},
                headers=headers,
            )
            assert done.status_code == 200, done.get_json()
            written.append(case["id"])
    except Exception as exc:  # noqa: BLE001 - reported by the test
        errors.append(exc)


def _wait_for(written: list, count: int, errors: list) -> None:
    for _ in range(600):
        if len(written) >= count or errors:
            return
        threading.Event().wait(0.05)
    raise AssertionError(f"only {len(written)} cases written")


def _restored_app(app, backup_path: Path, tmp_path: Path):
    """An app on the restored copy: SQLite opens the file; PostgreSQL restores into a new database."""
    options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    if app.config["BACKEND"] == "sqlite":
        url, cleanup = f"sqlite:///{backup_path}", None
    else:
        name = f"ctflow_restore_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(POSTGRES_DSN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        server = POSTGRES_DSN.rsplit("/", 1)[0]
        subprocess.run(
            ["pg_restore", "--no-owner", f"--dbname={server}/{name}", str(backup_path)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        url = "postgresql+psycopg://" + f"{server}/{name}".split("://", 1)[1]

        def cleanup():
            with psycopg.connect(POSTGRES_DSN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')

    restored = create_app(
        "test",
        INSTANCE_PATH=str(tmp_path / "restored"),
        SQLALCHEMY_DATABASE_URI=url,
        SQLALCHEMY_ENGINE_OPTIONS=options,
        SECRET_KEY="test-secret-key",
        NOW=FROZEN_AT,
    )
    return restored, cleanup


@pytest.fixture(autouse=True)
def _december(clock):
    clock.freeze("2026-12-14T09:00:00+00:00")  # the day the sample application is received


def test_a_backup_taken_while_cases_are_written_restores_and_checks_clean(app, derby, runner, tmp_path):
    stop, written, errors = threading.Event(), [], []
    writer = threading.Thread(target=_write_cases, args=(app, derby.as_("officer"), stop, written, errors))
    writer.start()
    try:
        _wait_for(written, 2, errors)
        before = len(written)
        result = runner.invoke(args=["backup", str(tmp_path / "ctflow.backup")])
        after_backup = len(written)
        _wait_for(written, after_backup + 2, errors)
    finally:
        stop.set()
        writer.join()
    assert not errors, errors
    assert result.exit_code == 0, result.output
    cases = int(re.search(r"Backed up (\d+) cases to ", result.output).group(1))
    # The copy is of one moment during the backup: every case written before it, none after.
    assert before <= cases <= after_backup + 1 < len(written)

    restored, cleanup = _restored_app(app, tmp_path / "ctflow.backup", tmp_path)
    try:
        check = restored.test_cli_runner().invoke(args=["check"])
        assert check.exit_code == 0, check.output
        assert check.output.strip() == f"Checked {cases} cases: rows agree with the workflows."
    finally:
        with restored.app_context():
            db.engine.dispose()
        if cleanup:
            cleanup()


def test_an_existing_path_is_refused_unless_forced(app, derby, runner, tmp_path):
    derby.open_case(application())
    target = tmp_path / "ctflow.backup"
    target.write_text("an older backup")
    refused = runner.invoke(args=["backup", str(target)])
    assert refused.exit_code == 1
    assert f"Error: {target} exists; use --force to replace it." in refused.output
    assert target.read_text() == "an older backup"
    forced = runner.invoke(args=["backup", str(target), "--force"])
    assert forced.exit_code == 0, forced.output
    assert "Backed up 1 case to " in forced.output
    assert target.stat().st_size > 1000
    assert [p.name for p in tmp_path.iterdir()] == ["ctflow.backup"]  # no partial file left


def test_a_missing_folder_or_a_folder_as_path(app, runner, tmp_path):
    missing = runner.invoke(args=["backup", str(tmp_path / "nowhere" / "ctflow.backup")])
    assert missing.exit_code == 1 and f"{tmp_path / 'nowhere'} does not exist." in missing.output
    folder = runner.invoke(args=["backup", str(tmp_path)])
    assert folder.exit_code == 2 and "is a directory" in folder.output


def _fake_pg_dump(folder: Path, body: str) -> None:
    script = folder / "pg_dump"
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


# pg_dump backs up PostgreSQL only: these run on that backend alone, never skipped on the other.
on_postgresql = pytest.mark.parametrize("app", ["postgresql"], indirect=True)


@on_postgresql
def test_pg_dump_missing_is_a_clear_error(app, runner, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    result = runner.invoke(args=["backup", str(tmp_path / "ctflow.backup")])
    assert result.exit_code == 1
    assert "pg_dump is not installed (or not on PATH)" in result.output
    assert not (tmp_path / "ctflow.backup").exists()


@on_postgresql
def test_pg_dump_failing_gives_its_message_and_leaves_no_file(app, runner, tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _fake_pg_dump(bin_dir, 'echo "pg_dump: error: server closed the connection unexpectedly" >&2\nexit 1\n')
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    result = runner.invoke(args=["backup", str(tmp_path / "ctflow.backup")])
    assert result.exit_code == 1
    assert "Error: pg_dump failed: pg_dump: error: server closed the connection unexpectedly" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bin"]


@on_postgresql
def test_the_password_goes_in_the_environment_never_on_the_command_line(app, tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _fake_pg_dump(bin_dir, f'echo "$@" > {tmp_path}/argv\necho "$PGPASSWORD" > {tmp_path}/password\n')
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    # The test server trusts local connections, so any password connects.
    url = "postgresql+psycopg://postgres:s3cret%20pw@" + POSTGRES_DSN.split("@", 1)[1]
    engine = create_engine(url, **app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    try:
        backup(engine, tmp_path / "ctflow.backup")
    finally:
        engine.dispose()
    argv = (tmp_path / "argv").read_text()
    assert "s3cret" not in argv
    assert "--format=custom" in argv and "--snapshot=" in argv
    schema = app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]["options"].split("=", 1)[1]
    assert f'--schema="{schema}"' in argv
    assert "--dbname=postgresql://postgres@127.0.0.1:5432/test" in argv
    assert (tmp_path / "password").read_text() == "s3cret pw\n"


def test_another_database_is_refused(tmp_path):
    engine = create_mock_engine("mysql://u@localhost/db", executor=None)
    with pytest.raises(BackupError, match="No backup for a mysql database."):
        backup(engine, tmp_path / "x")


def test_a_database_in_the_public_schema_restores_into_a_new_database(tmp_path):
    server = POSTGRES_DSN.rsplit("/", 1)[0]
    source, copy = (f"ctflow_backup_{uuid.uuid4().hex[:12]}" for _ in range(2))
    with psycopg.connect(POSTGRES_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{source}"')
        conn.execute(f'CREATE DATABASE "{copy}"')
    engine = create_engine("postgresql+psycopg://" + f"{server}/{source}".split("://", 1)[1])
    try:
        with psycopg.connect(f"{server}/{source}", autocommit=True) as conn:
            conn.execute("CREATE TABLE case_file (id integer primary key, reference text)")
            conn.execute("INSERT INTO case_file VALUES (1, 'DER-2026-0001'), (2, 'DER-2026-0002')")
        result = backup(engine, tmp_path / "ctflow.backup")
        assert result.cases == 2
        # Restored without a single error (a dump naming the public schema would fail creating it).
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={server}/{copy}", str(result.path)],
            check=True, capture_output=True,
        )  # fmt: skip
        with psycopg.connect(f"{server}/{copy}") as conn:
            assert conn.execute("SELECT reference FROM case_file ORDER BY id").fetchall() == [
                ("DER-2026-0001",), ("DER-2026-0002",)
            ]  # fmt: skip
    finally:
        engine.dispose()
        with psycopg.connect(POSTGRES_DSN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{source}" WITH (FORCE)')
            conn.execute(f'DROP DATABASE "{copy}" WITH (FORCE)')
