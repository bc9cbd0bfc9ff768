"""Upgrading a database that holds data (SQLite, what `make run` keeps): no migration loses rows.

SQLite changes a table by copying it, dropping it and renaming the copy; with foreign keys on,
dropping user_account once deleted every membership (ON DELETE CASCADE, migration 0015) and
dropping council was refused (migration 0021). Both turn foreign keys off while they copy."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from app import create_app
from app.extensions import db
from tests.conftest import FROZEN_AT


def test_an_upgrade_from_before_the_people_migrations_keeps_every_row(tmp_path):
    app = create_app(
        "test", INSTANCE_PATH=str(tmp_path), SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'old.sqlite3'}",
        SECRET_KEY="migrations", NOW=FROZEN_AT,
    )  # fmt: skip
    with app.app_context():
        upgrade(revision="0013")
        with db.engine.begin() as connection:
            connection.execute(text("INSERT INTO council VALUES ('derby-city', 'Derby City Council', 'england', 'derbyshire', 'DER')"))  # fmt: skip
            connection.execute(
                text("INSERT INTO user_account (id, email, name, password_hash, agency, token_generation, created_at) "
                     "VALUES (1, 'sam@example.org', 'Sam', 'x', NULL, 0, '2026-01-01 00:00:00')")
            )  # fmt: skip
            connection.execute(text("INSERT INTO membership VALUES (1, 1, 'derby-city', 'admin')"))
        upgrade()
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT user_id, council_id, role FROM membership")).all() == [
                (1, "derby-city", "admin")
            ]
            assert connection.execute(text("SELECT id, name FROM county")).all() == [
                ("derbyshire", "Derbyshire")
            ]
            assert [row[2] for row in connection.execute(text("PRAGMA foreign_key_list(council)"))] == [
                "county"
            ]
            assert connection.execute(text("PRAGMA foreign_key_check")).all() == []
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        downgrade(revision="0013")
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM membership")).scalar() == 1
        db.engine.dispose()
