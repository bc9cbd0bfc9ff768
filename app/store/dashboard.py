"""Queries for the managers' dashboard (issue 15): grouped counts over the case rows, never over
workflows, so a council with thousands of cases is counted by the database.

Each figure has two queries here: the count, and the cases behind it (``*_cases``), which the
case list filters by. Both are built from the same conditions, so a figure's link lists exactly
the cases it counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, case, distinct, extract, func, or_, select

from app.domain.actions import in_action_figure
from app.domain.periods import Period
from app.extensions import db
from app.models import Case, CaseStatus, CaseTask, Deadline, Milestone, TaskStatus
from app.store.reports import action_plans

MET, MISSED = "met", "missed"
# Receipt itself is where the working days are counted from, not a milestone to reach.
FROM_MILESTONE = "received"


def deadline_result(today: date) -> ColumnElement:
    """app.domain.deadlines.deadline_status in SQL: met when done by the due date; missed when
    done later, or not done by the end of the due date; else pending. The case pages judge a
    deadline by the domain rule, the dashboard counts by this one: tests/services/
    test_dashboard_rules.py checks that the two agree on every combination."""
    return case(
        (Deadline.done_on <= Deadline.due_on, MET),
        (
            or_(
                Deadline.done_on > Deadline.due_on, and_(Deadline.done_on.is_(None), Deadline.due_on < today)
            ),
            MISSED,
        ),
        else_="pending",
    )


def _council_deadlines(council_ids: list[str], start: date, end: date) -> Select:
    """Deadlines of the councils' cases falling due in the period. A window (``*_window``) is
    the applicant's time to act, not a limit on the council, so it is never met or missed."""
    return (
        select(Deadline.case_id)
        .join(Case, Case.id == Deadline.case_id)
        .where(
            Case.council_id.in_(council_ids),
            Deadline.due_on.between(start, end),
            Deadline.key.not_like("%\\_window", escape="\\"),
        )
    )


def deadline_results(
    council_ids: Iterable[str], start: date, end: date, today: date
) -> list[tuple[str, str, str, str, int]]:
    """(council, deadline key, month "YYYY-MM" of the due dates, met or missed, deadlines) for the
    deadlines due in the period."""
    result = deadline_result(today)
    year, month = extract("year", Deadline.due_on), extract("month", Deadline.due_on)
    query = (
        _council_deadlines(list(council_ids), start, end)
        .with_only_columns(Case.council_id, Deadline.key, year, month, result, func.count())
        .where(result != "pending")
        .group_by(Case.council_id, Deadline.key, year, month, result)
    )
    return [
        (council, key, f"{int(y):04d}-{int(m):02d}", outcome, n)
        for council, key, y, m, outcome, n in db.session.execute(query)
    ]


def deadline_labels(council_ids: Iterable[str], keys: Iterable[str]) -> dict[str, str]:
    """A label for each deadline key, as the councils' diagrams word it."""
    query = (
        select(Deadline.key, func.max(Deadline.label))
        .join(Case, Case.id == Deadline.case_id)
        .where(Case.council_id.in_(list(council_ids)), Deadline.key.in_(list(keys)))
        .group_by(Deadline.key)
    )
    return dict(db.session.execute(query).all())


def deadline_cases(council_ids: Iterable[str], key: str, result: str, start: date, end: date,
                   today: date) -> Select:  # fmt: skip
    """The cases whose deadline ``key`` fell due in the period and was met (or missed)."""
    return _council_deadlines(list(council_ids), start, end).where(
        Deadline.key == key, deadline_result(today) == result
    )


def open_cases_by_stage(council_ids: Iterable[str]) -> list[tuple[str, str, int]]:
    """(council, stage, open cases)."""
    query = (
        select(Case.council_id, Case.stage, func.count())
        .where(Case.council_id.in_(list(council_ids)), Case.status == CaseStatus.OPEN)
        .group_by(Case.council_id, Case.stage)
    )
    return [tuple(row) for row in db.session.execute(query)]


def _overdue_tasks(council_ids: list[str], today: date) -> Select:
    return select(CaseTask.case_id).where(
        CaseTask.council_id.in_(council_ids), CaseTask.status == TaskStatus.OPEN, CaseTask.due_on < today
    )


def overdue_tasks_by(council_ids: Iterable[str], today: date, by: str) -> list[tuple[str, str, int, int]]:
    """(council, role or agency, overdue tasks, cases with one) of the open tasks due before
    ``today``; ``by`` is "role" or "agency" (partner tasks only)."""
    column = {"role": CaseTask.role, "agency": CaseTask.agency}[by]
    query = (
        _overdue_tasks(list(council_ids), today)
        .with_only_columns(CaseTask.council_id, column, func.count(), func.count(distinct(CaseTask.case_id)))
        .where(column.is_not(None))
        .group_by(CaseTask.council_id, column)
    )
    return [tuple(row) for row in db.session.execute(query)]


def overdue_task_cases(council_ids: Iterable[str], today: date, *, role: str | None = None,
                       agency: str | None = None) -> Select:  # fmt: skip
    query = _overdue_tasks(list(council_ids), today)
    if role is not None:
        query = query.where(CaseTask.role == role)
    if agency is not None:
        query = query.where(CaseTask.agency == agency)
    return query


def _first_milestones(council_ids: list[str]) -> Select:
    """Each case's first milestone of each key (a case may reach one twice: a refusal overturned)."""
    return (
        select(Milestone.case_id, Milestone.key, func.min(Milestone.on).label("first_on"))
        .where(Milestone.council_id.in_(council_ids), Milestone.key != FROM_MILESTONE)
        .group_by(Milestone.case_id, Milestone.key)
        .subquery()
    )


def milestone_intervals(
    council_ids: Iterable[str], start: date, end: date
) -> list[tuple[str, str, date, date, int]]:
    """(council, milestone key, received on, reached on, cases) for the milestones cases first
    reached in the period; grouped by the two dates, which the service turns into working days
    with each council's calendar (far fewer pairs than cases)."""
    first = _first_milestones(list(council_ids))
    query = (
        select(Case.council_id, first.c.key, Case.received_on, first.c.first_on, func.count())
        .join(Case, Case.id == first.c.case_id)
        .where(first.c.first_on.between(start, end))
        .group_by(Case.council_id, first.c.key, Case.received_on, first.c.first_on)
    )
    return [tuple(row) for row in db.session.execute(query)]


def milestone_cases(council_ids: Iterable[str], key: str, start: date, end: date) -> Select:
    """The cases that first reached milestone ``key`` in the period."""
    first = _first_milestones(list(council_ids))
    return select(first.c.case_id).where(first.c.key == key, first.c.first_on.between(start, end))


FIGURE_KINDS = ("deadline_met", "deadline_missed", "overdue_task_role", "overdue_task_agency", "milestone",
                "action")  # fmt: skip


@dataclass(frozen=True)
class CaseFigure:
    """One figure of the dashboard, as the case list filters by it: ``kind`` (FIGURE_KINDS),
    ``key`` (the deadline, role, agency, milestone, or action figure) and the period."""

    kind: str
    key: str
    period: Period


def figure_cases(figure: CaseFigure, council_ids: Iterable[str], today: date) -> Select:
    """The ids of the cases of ``council_ids`` that ``figure`` counted."""
    start, end = figure.period.start, figure.period.end
    if figure.kind in ("deadline_met", "deadline_missed"):
        result = MET if figure.kind == "deadline_met" else MISSED
        return deadline_cases(council_ids, figure.key, result, start, end, today)
    if figure.kind == "overdue_task_role":
        return overdue_task_cases(council_ids, today, role=figure.key)
    if figure.kind == "overdue_task_agency":
        return overdue_task_cases(council_ids, today, agency=figure.key)
    if figure.kind == "milestone":
        return milestone_cases(council_ids, figure.key, start, end)
    if figure.kind == "action":
        ids = [
            case_id
            for case_id, _, plan in action_plans(council_ids, open_since=start)
            if any(in_action_figure(a, figure.key, start, end, today) for a in plan)
        ]
        return select(Case.id).where(Case.id.in_(ids))
    raise ValueError(f"unknown figure {figure.kind!r}")
