"""The timer sweep: fire every workflow timer due by now, each exactly once.

Only cases whose ``next_timer_at`` has passed are loaded, so a sweep costs what is due, not
what is open. Each case is fired in its own transaction; on PostgreSQL a case another sweep is
firing is skipped (FOR UPDATE SKIP LOCKED), and on either database the case's optimistic
version makes the slower of two racing sweeps roll back, so nothing fires twice.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime

from flask import Flask

from app import clock
from app.engine.runtime import CaseRun, WorkflowError
from app.extensions import db
from app.services import case_runs
from app.services.cases import CaseConflict, saving_case
from app.store import cases as case_store

logger = logging.getLogger(__name__)
SWEEP_ACTOR = "timer"
BATCH = 500


@dataclass
class SweepReport:
    fired: list[str] = field(default_factory=list)  # case references
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def fire_due_timers(now: datetime | None = None) -> SweepReport:
    """Fire everything due at ``now`` (default: the app clock)."""
    instant = now or clock.now()
    report = SweepReport()
    seen: set[int] = set()
    while True:
        due = [case_id for case_id in case_store.cases_with_timers_due(instant, BATCH) if case_id not in seen]
        db.session.rollback()  # end the read; each case gets its own transaction
        if not due:
            return report
        for case_id in due:
            seen.add(case_id)
            _fire_case(case_id, instant, report)


def _fire_case(case_id: int, instant: datetime, report: SweepReport) -> None:
    case = case_store.lock_case_with_timer_due(case_id, instant)
    if case is None:
        db.session.rollback()
        return
    reference = case.reference

    def fire(run: CaseRun, workflow) -> None:
        run.fire_timers(workflow)

    try:
        with saving_case():
            case_runs.run_case(case, SWEEP_ACTOR, fire, now=instant)
        report.fired.append(reference)
    except CaseConflict:
        report.skipped.append(reference)  # another sweep or request got there first
    except WorkflowError as exc:
        logger.error("Timer on case %s failed: %s", reference, exc)
        report.failed.append((reference, str(exc)))


def start_background_sweep(app: Flask, interval_seconds: float = 60.0) -> threading.Event:
    """Run the sweep every ``interval_seconds`` in a daemon thread; set the returned event to stop it."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(interval_seconds):
            with app.app_context():
                try:
                    report = fire_due_timers()
                    if report.fired or report.failed:
                        logger.info("Timers fired on %s; failed on %s", report.fired, report.failed)
                except Exception:  # the loop must outlive one bad sweep; the error is logged
                    logger.exception("Timer sweep failed")
                finally:
                    db.session.remove()

    threading.Thread(target=loop, name="ctflow-timers", daemon=True).start()
    return stop
