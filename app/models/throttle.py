"""Counters that throttle repeated attempts (sign-ins, and anything else one client may repeat)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime


class Throttle(db.Model):
    """Attempts counted under one key (e.g. ``sign-in:address:203.0.113.7``) in a fixed window.

    The window opens with the first attempt and closes at ``expires_at``; the next attempt after
    that opens a new one. Rows past ``expires_at`` mean nothing and are purged.
    """

    __tablename__ = "throttle"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
