"""The counts the metrics read from the database at scrape time, one query each.

Read by the scraping process rather than kept by each process that changes them, so that under
gunicorn's several processes a figure is the database's, not multiplied by the workers.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from app.extensions import db
from app.models import Case, Document, EmailStatus


def open_timer_due_since(instant: datetime) -> datetime | None:
    """When the longest-waiting timer due by ``instant`` fell due (``next_timer_at`` is indexed)."""
    return db.session.scalar(select(func.min(Case.next_timer_at)).where(Case.next_timer_at <= instant))


def cases_by_stage() -> list[tuple[str, str, int]]:
    """(council, stage, cases) for every council and stage that has a case."""
    rows = db.session.execute(
        select(Case.council_id, Case.stage, func.count()).group_by(Case.council_id, Case.stage)
    )
    return [(council, stage, count) for council, stage, count in rows]


def outbox_depth() -> dict[str, int]:
    """Letters by e-mail status; ``failed`` split into ``retrying`` (another attempt is due) and
    ``failed`` (given up: an officer posts it). Counted on the outbox index (status first)."""
    retrying = Document.email_next_attempt_at.is_not(None)
    rows = db.session.execute(
        select(Document.email_status, retrying, func.count()).group_by(Document.email_status, retrying)
    )
    depth = {status.value: 0 for status in EmailStatus} | {"retrying": 0}
    for status, will_retry, count in rows:
        key = "retrying" if status == EmailStatus.FAILED and will_retry else status
        depth[key] += count
    return depth
