"""Whether one report qualifies, and why not (RULES.md §2, evaluation step 1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.domain.calendar import add_months, check_date
from app.domain.threshold.inputs import Incident, Report
from app.domain.threshold.policy import DEFAULT_POLICY, ThresholdPolicy


@dataclass(frozen=True)
class Window:
    """The days a complaint must be made on: from ``window_months`` before the application to it."""

    from_: date
    to: date

    def __contains__(self, day: date) -> bool:
        return self.from_ <= day <= self.to


def report_reason(
    report: Report,
    occurred_on: date,
    received_on: date,
    policy: ThresholdPolicy = DEFAULT_POLICY,
    confirmed_only: bool = False,
) -> str | None:
    """The first reason ``report`` does not qualify, in REPORT_REASONS order; None when it qualifies."""
    check_date(occurred_on, "occurred_on")
    check_date(received_on, "received_on")
    window = Window(add_months(received_on, -policy.window_months), received_on)
    return first_reason(
        report, occurred_on, policy.latest_report_on(occurred_on), window, policy, confirmed_only
    )


def first_reason(
    report: Report,
    occurred_on: date,
    latest: date,
    window: Window,
    policy: ThresholdPolicy,
    confirmed_only: bool,
) -> str | None:
    if report.reported_on not in window:
        return "outside_window"
    if report.reported_on < occurred_on:
        return "reported_before_incident"
    if report.reported_on > latest:
        return "reported_late"
    if report.agency not in policy.counted_agencies:
        return "ineligible_agency"
    if not policy.method_counts(report):
        return "ineligible_method"
    if report.confirmed is False or (confirmed_only and report.confirmed is not True):
        return "not_confirmed"
    return None


def incident_reasons(
    incident: Incident, window: Window, policy: ThresholdPolicy, confirmed_only: bool
) -> tuple[str | None, ...]:
    """``first_reason`` of each of the incident's reports, with the reporting limit worked out once."""
    latest = policy.latest_report_on(incident.occurred_on)
    return tuple(
        first_reason(report, incident.occurred_on, latest, window, policy, confirmed_only)
        for report in incident.reports
    )


def floor_grounds(
    incident: Incident, reasons: tuple[str | None, ...], window: Window, policy: ThresholdPolicy
) -> tuple[str, ...]:
    """What the council's own wording would have had to read as the Act does for the incident to
    count: none when one of its qualifying reports counts on the local reading too."""
    local_latest = policy.report_within.latest(incident.occurred_on)
    best: tuple[str, ...] | None = None
    for report, reason in zip(incident.reports, reasons, strict=True):
        if reason is not None:
            continue
        grounds = []
        if report.reported_on > local_latest:
            grounds.append("report_limit")
        if report.agency not in policy.eligible_agencies:
            grounds.append("agency")
        if best is None or len(grounds) < len(best):
            best = tuple(grounds)
    if best is None:
        return ()
    # Read as "incidents that occurred within the last six months", the window would leave it out.
    window_ground = ("window",) if incident.occurred_on < window.from_ else ()
    return window_ground + best
