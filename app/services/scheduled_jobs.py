"""Jobs the workers run once a day (``ctflow retention``), however many workers run.

Every worker asks on each pass; the one whose claim succeeds runs the job. A claim is one
conditional UPDATE (the job not done today, and not held by a claim still running), so two
workers asking at the same instant cannot both win, on PostgreSQL or SQLite. The claim is a
lease: a worker killed while running the job leaves it to the next worker once the lease has run
out (the job is idempotent, so whatever it did before dying is not done twice). A job that fails
is tried again after the lease too, not on every pass.
"""

from __future__ import annotations

import os
import socket
from datetime import date, datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.models import ScheduledJob

LEASE = timedelta(hours=1)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


def claim_daily(name: str, today: date, now: datetime, by: str | None = None) -> bool:
    """Claim today's run of the job ``name``; commits. True: this caller runs it now."""
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    db.session.execute(insert(ScheduledJob).values(name=name).on_conflict_do_nothing(index_elements=["name"]))
    claimed = db.session.execute(
        update(ScheduledJob)
        .where(
            ScheduledJob.name == name,
            or_(ScheduledJob.done_on.is_(None), ScheduledJob.done_on < today),
            or_(ScheduledJob.claimed_until.is_(None), ScheduledJob.claimed_until <= now),
        )
        .values(claimed_by=by or worker_name(), claimed_until=now + LEASE)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return claimed.rowcount == 1


def finish_daily(name: str, today: date) -> None:
    """Record today's run of the job as done, its claim released; commits."""
    db.session.execute(
        update(ScheduledJob)
        .where(ScheduledJob.name == name)
        .values(done_on=today, claimed_by=None, claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def release_daily(name: str) -> None:
    """Give up the claim without finishing (a worker told to stop): the next worker runs the job
    again today, from where it stands; commits."""
    db.session.execute(
        update(ScheduledJob)
        .where(ScheduledJob.name == name)
        .values(claimed_by=None, claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
