"""Queries on throttle counters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, delete, literal, update
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.models import Throttle
from app.models.types import UTCDateTime


def count_attempt(key: str, now: datetime, window_ends_at: datetime) -> tuple[int, datetime]:
    """Count one attempt under ``key`` and return the window's attempts and end, in one statement.

    INSERT ... ON CONFLICT DO UPDATE ... RETURNING is atomic on both databases (PostgreSQL locks
    the row, SQLite has one writer), so racing attempts each get a different count: a read
    followed by a write would let them all see the same one. A window that has ended starts again.
    """
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    ended = Throttle.expires_at <= now
    statement = (
        insert(Throttle)
        .values(key=key, attempts=1, expires_at=window_ends_at)
        .on_conflict_do_update(
            index_elements=[Throttle.key],
            set_={
                "attempts": case((ended, 1), else_=Throttle.attempts + 1),
                "expires_at": case(
                    (ended, literal(window_ends_at, UTCDateTime())), else_=Throttle.expires_at
                ),
            },
        )
        .returning(Throttle.attempts, Throttle.expires_at)
    )
    attempts, expires_at = db.session.execute(statement).one()
    return attempts, expires_at


def uncount_attempt(key: str) -> None:
    db.session.execute(
        update(Throttle)
        .where(Throttle.key == key, Throttle.attempts > 0)
        .values(attempts=Throttle.attempts - 1)
    )


def delete_throttle(key: str) -> None:
    db.session.execute(delete(Throttle).where(Throttle.key == key))


def delete_throttles_ended_by(now: datetime) -> None:
    db.session.execute(delete(Throttle).where(Throttle.expires_at <= now))
