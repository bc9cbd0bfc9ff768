"""The timer sweep: fire every workflow timer due by now, each exactly once.

Only cases whose ``next_timer_at`` has passed are loaded, so a sweep costs what is due, not
what is open. Each case is fired in its own transaction; on PostgreSQL a case another sweep is
firing is skipped (FOR UPDATE SKIP LOCKED), and on either database the case's optimistic
version makes the slower of two racing sweeps roll back, so nothing fires twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from flask import Flask
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from app import clock
from app.engine.runtime import WorkflowError
from app.extensions import db
from app.observability import metrics
from app.services import case_runs
from app.services.background import BackgroundLoop, start_loop
from app.services.cases import CaseConflict, saving_case
from app.store import cases as case_store

logger = logging.getLogger(__name__)
SWEEP_ACTOR = "timer"
BATCH = 500  # due cases read at a time
CHUNK = 50  # cases fired per transaction


@dataclass
class SweepReport:
    fired: list[str] = field(default_factory=list)  # case references
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


@metrics.observe_sweep
def fire_due_timers(
    now: datetime | None = None, should_stop: Callable[[], bool] | None = None
) -> SweepReport:
    """Fire everything due at ``now`` (default: the app clock). ``should_stop()`` is asked before
    each transaction: a worker told to stop commits the chunk it is firing and starts no other."""
    instant = now or clock.now()
    report = SweepReport()
    seen: set[int] = set()
    while True:
        due = [case_id for case_id in case_store.cases_with_timers_due(instant, BATCH) if case_id not in seen]
        db.session.rollback()  # end the read; the cases are fired in transactions of their own
        if not due:
            return report
        seen.update(due)
        for start in range(0, len(due), CHUNK):
            if should_stop is not None and should_stop():
                return report
            _fire_chunk(due[start : start + CHUNK], instant, report)


def fire_case_timers(case, instant: datetime) -> None:
    """Fire the case's timers due by ``instant`` (the caller commits), recorded as the timer's doing."""
    case_runs.run_case(case, SWEEP_ACTOR, lambda run, workflow: run.fire_timers(workflow), now=instant)


def _fire_chunk(case_ids: list[int], instant: datetime, report: SweepReport) -> None:
    """Fire a few cases in one transaction (one commit, not one per case), each in a savepoint of
    its own, so a case that raced another change, or whose diagram fails, is rolled back alone."""
    fired: list[str] = []
    for case_id in case_ids:
        try:
            with db.session.begin_nested():
                case = case_store.lock_case_with_timer_due(case_id, instant)
                if case is None:
                    continue  # fired meanwhile, or held by another sweep
                reference = case.reference
                fire_case_timers(case, instant)
                db.session.flush()  # a stale version shows here, inside the savepoint
            fired.append(reference)
        except StaleDataError:
            report.skipped.append(reference)
        except OperationalError as exc:
            # SQLite: another writer holds the database. Give the chunk up; the next sweep retries it.
            db.session.rollback()
            if "locked" not in str(exc).lower():
                raise
            report.skipped.extend(f"case #{i}" for i in case_ids)
            return
        except WorkflowError as exc:
            logger.error("Timer on case %s failed: %s", reference, exc)
            report.failed.append((reference, str(exc)))
    try:
        with saving_case():
            pass  # commits the chunk
    except CaseConflict:
        report.skipped.extend(fired)  # nothing of this chunk was saved; the next sweep retries it
        return
    report.fired.extend(fired)


def start_background_sweep(app: Flask, interval_seconds: float = 60.0) -> BackgroundLoop:
    """Fire due timers every ``interval_seconds`` beside the web server; ``stop()`` ends it."""

    def sweep() -> str | None:
        report = fire_due_timers()
        if report.fired or report.failed:
            return f"timers fired on {report.fired}; failed on {report.failed}"
        return None

    return start_loop(app, "ctflow-timers", interval_seconds, sweep)
