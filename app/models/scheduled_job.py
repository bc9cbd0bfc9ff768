"""A job the workers run once a day (``ctflow retention``, run by ``ctflow worker``), and the
claim that makes it once across any number of workers (app/services/scheduled_jobs.py)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime


class ScheduledJob(db.Model):
    __tablename__ = "scheduled_job"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    # The last day (in England and Wales) it ran to the end; None: never.
    done_on: Mapped[date | None] = mapped_column(Date)
    # Who is running it now, and until when the claim holds: a worker killed mid-run leaves it to
    # another once the claim has run out.
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
