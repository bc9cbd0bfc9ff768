"""``ctflow retention`` and the worker's daily run of it: anonymise every closed case whose
closure is older than its council's retention period (issue 17).

The period is the council's ``retention_years`` setting as it stands today (app/services/
council_settings.py; the seed says 6 and lists it "to confirm"): a case closed on 10 January 2020
under a 6-year period is anonymised from 11 January 2026. Each case is anonymised in its own
transaction by app/services/anonymise.py, which keeps every date and figure; one that cannot be
(a letter still being sent) is left for the next run and reported. Drafts of public applications
not changed for a week are deleted too (app/services/drafts.py). Running it again changes
nothing: anonymised cases are not picked again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from dateutil.relativedelta import relativedelta

from app import clock
from app.clock import LOCAL_TIMEZONE
from app.extensions import db
from app.services import council_settings, councils, drafts, scheduled_jobs
from app.services.anonymise import RETENTION, anonymise_case
from app.services.background import BackgroundLoop, start_loop
from app.services.cases import CaseConflict
from app.store import cases as case_store

ACTOR = "retention"  # how the case history and the audit list name it
JOB = "retention"  # its daily claim (app/services/scheduled_jobs.py)


@dataclass
class RetentionReport:
    today: date
    # (reference, council, years): each case anonymised by this run
    anonymised: list[tuple[str, str, int]] = field(default_factory=list)
    # (reference, why): cases due but left for the next run
    left: list[tuple[str, str]] = field(default_factory=list)
    drafts_deleted: int = 0

    def summary(self) -> str | None:
        parts = []
        if self.anonymised:
            parts.append(f"{len(self.anonymised)} case(s) anonymised after their retention period")
        if self.left:
            parts.append(f"{len(self.left)} case(s) due for anonymisation left for the next run")
        if self.drafts_deleted:
            parts.append(f"{self.drafts_deleted} old draft application(s) deleted")
        return "; ".join(parts) or None


def closed_before(council_id: str, today: date) -> tuple[int, datetime]:
    """The council's retention period in years, and the instant before which a case must have
    closed to be past it today."""
    council = council_settings.settings_for(council_id, today)
    years = council.retention_years
    last_kept_day = today - relativedelta(years=years)  # closed that day: kept until tomorrow
    return years, datetime.combine(last_kept_day, time.min, LOCAL_TIMEZONE)


def run_retention(
    now: datetime | None = None, should_stop: Callable[[], bool] | None = None
) -> RetentionReport:
    """Anonymise every case past its council's retention period at ``now`` (default: the clock)."""
    instant = now or clock.now()
    report = RetentionReport(today=instant.astimezone(LOCAL_TIMEZONE).date())
    for policy in councils.registry():
        years, before = closed_before(policy.id, report.today)
        due = case_store.closed_cases_to_anonymise(policy.id, before)
        db.session.rollback()  # end the read; each case is anonymised in its own transaction
        for case_id in due:
            if should_stop is not None and should_stop():
                return report
            try:
                done = anonymise_case(case_id, actor=ACTOR, why=RETENTION)
            except CaseConflict as exc:
                report.left.append((f"case #{case_id}", str(exc)))
                continue
            if done.changed:
                report.anonymised.append((done.case.reference, policy.id, years))
    report.drafts_deleted = drafts.delete_expired(instant)
    db.session.commit()
    return report


def run_daily(
    now: datetime | None = None, should_stop: Callable[[], bool] | None = None
) -> RetentionReport | None:
    """The worker's daily run: the retention run, if this worker claims today's; else None."""
    instant = now or clock.now()
    today = instant.astimezone(LOCAL_TIMEZONE).date()
    if not scheduled_jobs.claim_daily(JOB, today, instant):
        return None
    report = run_retention(instant, should_stop)
    if should_stop is not None and should_stop():
        scheduled_jobs.release_daily(JOB)
    else:
        scheduled_jobs.finish_daily(JOB, today)
    return report


def start_background_retention(app, interval_seconds: float = 3600.0) -> BackgroundLoop:
    """Beside ``ctflow serve`` run as one process (no ``ctflow worker``): ask for the day's run
    every ``interval_seconds``, through the same claim as the workers, so it is once a day
    whatever else runs. ``stop()`` the returned loop to end it."""

    def daily() -> str | None:
        from app.services import access_log  # imports the case services, which import this module

        report = run_daily()
        pruned = access_log.prune_daily()  # the access log's own daily job
        parts = [
            report.summary() if report is not None else None,
            f"{pruned} access log entr(ies) pruned" if pruned else None,
        ]
        return "; ".join(p for p in parts if p) or None

    return start_loop(app, "ctflow-retention", interval_seconds, daily)
