"""Queries on users and memberships."""

from __future__ import annotations

from functools import cache

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import User


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def get_user_with_memberships(user_id: int) -> User | None:
    """The user and their memberships (councils and roles), in one query: every API request's."""
    return db.session.execute(_user_with_memberships(), {"user_id": user_id}).unique().scalar_one_or_none()


@cache
def _user_with_memberships() -> Select:
    # Built once: building this statement and keying its loader option costs more than running it.
    return select(User).where(User.id == bindparam("user_id")).options(joinedload(User.memberships))
