"""The managers' dashboard (issue 15): whether a partnership meets its time limits, for a period.

For a council, or every council of a county, and a period (``start`` to ``end``):

- ``deadlines``: the deadlines that fell due in the period, met or missed (as a case shows them,
  app.domain.deadlines), per deadline and per month of the due date. Windows are the
  applicant's, not limits on the council, and are left out; deadlines still pending are too.
- ``open_cases``: the cases open now, by stage.
- ``overdue_tasks_by_role`` and ``..._by_agency``: the open tasks due before today, with the
  number of cases that have one.
- ``milestones``: for each milestone the cases first reached in the period, the median of the
  working days from receipt to it, counted with each council's calendar (app.domain.calendar).
- ``actions``: the actions open and overdue now, and those done (on time, late) or closed
  undone in the period (app.domain.actions).

Who may see it: the managers of a council (community safety managers, admins) see its
dashboard. A county's dashboard follows the rule of the county's annual report: a member of
one of its councils sees it with every council in it, and here that member must be one of
those managers; other members are refused (403); a council or county the caller has no
membership in, or that does not exist, is not found.

Every figure has the case list behind it: ``CaseFigure`` names the cases one figure counted,
and ``figure_cases`` turns it into the query the case list filters by.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import repeat

from app import clock
from app.councils import Council as CouncilPolicy
from app.domain.actions import ACTION_FIGURES, in_action_figure
from app.domain.periods import Period, period_of
from app.models import User
from app.services import councils
from app.services.reports import council_for, county_for
from app.services.tasks import overview_councils
from app.store import dashboard as dashboard_store
from app.store import reports as report_store

TASK_GROUPINGS = ("role", "agency")


@dataclass(frozen=True)
class DeadlineMonth:
    deadline: str
    label: str
    month: str  # YYYY-MM of the due dates
    met: int
    missed: int


@dataclass(frozen=True)
class Tally:
    """One bar of a chart: a key (stage, role, agency, ...) and its counts."""

    key: str
    count: int
    cases: int


@dataclass(frozen=True)
class MilestoneTime:
    milestone: str
    cases: int
    median_working_days: float


@dataclass(frozen=True)
class CouncilSummary:
    """A council's line of a county's dashboard."""

    council: str
    name: str
    open_cases: int
    deadlines_met: int
    deadlines_missed: int
    overdue_tasks: int
    actions_overdue: int


@dataclass(frozen=True)
class Dashboard:
    council: str | None  # set for a council's dashboard
    county: str | None  # set for a county's
    name: str
    period: Period
    today: date
    members: tuple[str, ...]  # the councils counted
    deadlines: tuple[DeadlineMonth, ...]
    open_cases: tuple[Tally, ...]
    overdue_tasks_by_role: tuple[Tally, ...]
    overdue_tasks_by_agency: tuple[Tally, ...]
    milestones: tuple[MilestoneTime, ...]
    actions: dict[str, int]
    councils: tuple[CouncilSummary, ...] = field(default=())

    def deadline_totals(self) -> list[DeadlineMonth]:
        """Each deadline over the whole period (``month`` empty), in the order first seen."""
        totals: dict[str, list] = {}
        for row in self.deadlines:
            total = totals.setdefault(row.deadline, [row.label, 0, 0])
            total[1] += row.met
            total[2] += row.missed
        return [DeadlineMonth(key, label, "", met, missed) for key, (label, met, missed) in totals.items()]

    def month_totals(self) -> list[tuple[str, int, int]]:
        """(month, met, missed) for every month of the period, every deadline together."""
        met: Counter = Counter()
        missed: Counter = Counter()
        for row in self.deadlines:
            met[row.month] += row.met
            missed[row.month] += row.missed
        return [(month, met[month], missed[month]) for month in self.period.months()]


def dashboard_for(user: User, *, council_id: str | None = None, county_id: str | None = None,
                  start: date | None = None, end: date | None = None) -> Dashboard:  # fmt: skip
    """The dashboard of one council, or of every council of a county, that ``user`` may see."""
    if (council_id is None) == (county_id is None):
        raise ValueError("give exactly one of council_id and county_id")
    today = clock.today()
    if council_id is not None:
        members = [_council_for_dashboard(user, council_id)]
        name = members[0].name
    else:
        members, name = _county_for_dashboard(user, county_id)
    period = period_of(start, end, today)
    return compute(members, period, today, council_id=council_id, county_id=county_id, name=name)


def compute(members: list[CouncilPolicy], period: Period, today: date, *, council_id: str | None,
            county_id: str | None, name: str) -> Dashboard:  # fmt: skip
    """The dashboard of ``members``, whoever asks (the caller decides who may see it)."""
    ids = [c.id for c in members]
    deadlines = _deadline_months(ids, period, today)
    stages = dashboard_store.open_cases_by_stage(ids)
    by_role = dashboard_store.overdue_tasks_by(ids, today, "role")
    by_agency = dashboard_store.overdue_tasks_by(ids, today, "agency")
    action_counts = _action_counts(ids, period, today)
    summaries = ()
    if county_id is not None:
        summaries = tuple(
            CouncilSummary(
                council=c.id,
                name=c.name,
                open_cases=sum(n for council, _, n in stages if council == c.id),
                deadlines_met=sum(r.met for r in deadlines[c.id]),
                deadlines_missed=sum(r.missed for r in deadlines[c.id]),
                overdue_tasks=sum(n for council, _, n, _ in by_role if council == c.id),
                actions_overdue=action_counts[c.id]["overdue"],
            )
            for c in members
        )
    return Dashboard(
        council=council_id,
        county=county_id,
        name=name,
        period=period,
        today=today,
        members=tuple(ids),
        deadlines=_merge_deadlines(row for c in ids for row in deadlines[c]),
        open_cases=_tallies((stage, n, n) for _, stage, n in stages),
        overdue_tasks_by_role=_tallies((role, n, cases) for _, role, n, cases in by_role),
        overdue_tasks_by_agency=_tallies((agency, n, cases) for _, agency, n, cases in by_agency),
        milestones=_milestone_times(members, period),
        actions={
            figure: sum(counts[figure] for counts in action_counts.values()) for figure in ACTION_FIGURES
        },
        councils=summaries,
    )


def _deadline_months(ids: list[str], period: Period, today: date) -> dict[str, list[DeadlineMonth]]:
    """Per council, its deadlines met and missed per (deadline, month), in month order."""
    cells: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for council, key, month, result, n in dashboard_store.deadline_results(
        ids, period.start, period.end, today
    ):
        cells[(council, key, month)][result == dashboard_store.MISSED] += n
    labels = dashboard_store.deadline_labels(ids, {key for _, key, _ in cells})
    found: dict[str, list[DeadlineMonth]] = {c: [] for c in ids}
    for (council, key, month), (met, missed) in sorted(
        cells.items(), key=lambda item: (item[0][2], item[0][1])
    ):
        found[council].append(DeadlineMonth(key, labels.get(key, key), month, met, missed))
    return found


def _merge_deadlines(rows: Iterable[DeadlineMonth]) -> tuple[DeadlineMonth, ...]:
    """The councils' rows added up per (deadline, month), by month then deadline."""
    merged: dict[tuple[str, str], DeadlineMonth] = {}
    for row in rows:
        have = merged.get((row.month, row.deadline))
        merged[(row.month, row.deadline)] = (
            row
            if have is None
            else DeadlineMonth(
                row.deadline, have.label, row.month, have.met + row.met, have.missed + row.missed
            )  # fmt: skip
        )
    return tuple(merged[key] for key in sorted(merged))


def _tallies(rows: Iterable[tuple[str, int, int]]) -> tuple[Tally, ...]:
    """Rows added up per key, largest first (then by key, so the order is stable)."""
    counts: Counter = Counter()
    cases: Counter = Counter()
    for key, n, with_it in rows:
        counts[key] += n
        cases[key] += with_it
    return tuple(Tally(key, counts[key], cases[key]) for key in sorted(counts, key=lambda k: (-counts[k], k)))


def _milestone_times(members: list[CouncilPolicy], period: Period) -> tuple[MilestoneTime, ...]:
    """The median working days from receipt to each milestone first reached in the period. The
    database groups the cases by their two dates; each pair is counted once, with its council's
    calendar (the one place that counts working days)."""
    # Each council's calendar as its settings stand (closures are kept in the database).
    calendars = {c.id: councils.policy_for(c.id).calendar for c in members}
    days: dict[str, Counter] = defaultdict(Counter)
    for council, key, received_on, reached_on, n in dashboard_store.milestone_intervals(
        list(calendars), period.start, period.end
    ):
        days[key][calendars[council].working_days_between(received_on, reached_on)] += n
    order = {key: position for position, key in enumerate(MILESTONE_ORDER)}
    return tuple(
        MilestoneTime(key, sum(counts.values()), _median(counts))
        for key, counts in sorted(days.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))
    )


# The order a case reaches its milestones (spec/API.md's list), for reading the chart top down.
MILESTONE_ORDER = (
    "acknowledged", "consent_confirmed", "ineligible", "threshold_met", "threshold_not_met",
    "information_requested", "information_returned", "victim_contacted", "review_held",
    "recommendations_made", "outcome_notified", "appeal_lodged", "appeal_decided", "closed",
)  # fmt: skip


def _median(counts: Counter) -> float:
    """The median of values given as value -> how many times."""
    return float(
        statistics.median(value for value in sorted(counts) for value in repeat(value, counts[value]))
    )


def _action_counts(ids: list[str], period: Period, today: date) -> dict[str, Counter]:
    counts: dict[str, Counter] = {c: Counter() for c in ids}
    for _, council, plan in report_store.action_plans(ids, open_since=period.start):
        for action in plan:
            for figure in ACTION_FIGURES:
                counts[council][figure] += in_action_figure(action, figure, period.start, period.end, today)
    return counts


# --- Who may see it ------------------------------------------------------------------------------


def dashboard_councils(user: User) -> list[str]:
    """The councils whose dashboard the user may see: those whose whole workload they oversee."""
    return overview_councils(user)


def _council_for_dashboard(user: User, council_id: str) -> CouncilPolicy:
    mine = set(dashboard_councils(user))
    return council_for(
        user, council_id, mine.__contains__, "Only the council's managers can see its dashboard."
    )


def _county_for_dashboard(user: User, county_id: str) -> tuple[list[CouncilPolicy], str]:
    mine = set(dashboard_councils(user))
    return county_for(user, county_id, mine.__contains__,
                      "Only the managers of the county's councils can see its dashboard.")  # fmt: skip
