"""Queries on users and memberships."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import User


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))
