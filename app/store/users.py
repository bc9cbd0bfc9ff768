"""Queries on users, memberships and sign-in throttling."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.models import LoginThrottle, User


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def get_login_throttle(email: str) -> LoginThrottle | None:
    return db.session.get(LoginThrottle, email, populate_existing=True)


def increment_login_failures(email: str, at: datetime) -> None:
    """One atomic INSERT ... ON CONFLICT, so two racing failures both count and neither errors."""
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(LoginThrottle)
        .values(email=email, failures=1, last_failure_at=at)
        .on_conflict_do_update(
            index_elements=[LoginThrottle.email],
            set_={"failures": LoginThrottle.failures + 1, "last_failure_at": at},
        )
    )
    db.session.execute(statement)


def clear_login_failures(email: str) -> None:
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.email == email))


def delete_login_failures_before(cutoff: datetime) -> None:
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.last_failure_at < cutoff))
