"""Queries for the statutory reports: counts over milestone rows, never over workflows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time

from sqlalchemy import Select, Text, and_, cast, distinct, exists, func, not_, or_, select
from sqlalchemy.orm import aliased

from app.clock import LOCAL_TIMEZONE
from app.extensions import db
from app.models import Appeal, Case, FiguresPublication, Milestone


def count_cases_by_milestone(
    council_ids: Iterable[str],
    keys: Iterable[str],
    start: date,
    end: date,
    superseded_by: Mapping[str, Iterable[str]] | None = None,
) -> dict[tuple[str, str], int]:
    """Distinct cases per (council, milestone key) with a milestone of that key dated from
    ``start`` to ``end`` inclusive, in one grouped query (ix_milestone_report: council_id, key, on).

    ``superseded_by`` maps a key to the keys that cancel it: a milestone is left out when its
    case recorded one of those after it (a later row id: milestones are only ever appended, in
    the order they happen). Pairs with no case are absent from the result.
    """
    later = aliased(Milestone, name="later")
    superseded = [
        and_(
            Milestone.key == key,
            exists().where(
                later.case_id == Milestone.case_id,
                later.key.in_(list(cancelling)),
                later.id > Milestone.id,
            ),
        )
        for key, cancelling in (superseded_by or {}).items()
    ]
    query = (
        select(Milestone.council_id, Milestone.key, func.count(distinct(Milestone.case_id)))
        .where(
            Milestone.council_id.in_(list(council_ids)),
            Milestone.key.in_(list(keys)),
            Milestone.on.between(start, end),
        )
        .group_by(Milestone.council_id, Milestone.key)
    )
    if superseded:
        query = query.where(not_(or_(*superseded)))
    return {(council_id, key): count for council_id, key, count in db.session.execute(query)}


# A plan with no action, as the JSON column stores it.
EMPTY_PLANS = ("null", "[]")


def action_plans(
    council_ids: Iterable[str], *, open_since: date | None = None
) -> list[tuple[int, str, list]]:
    """(case, council, action plan) of every case of these councils that has a plan with an action.
    Plans are JSON; the domain rules (app.domain.actions) read them in Python."""
    return [tuple(row) for row in db.session.execute(action_plans_query(council_ids, open_since=open_since))]


def action_plans_query(council_ids: Iterable[str], *, open_since: date | None = None) -> Select:
    """The cases of ``action_plans``. ``open_since`` leaves out the cases closed before that day: a
    case closes only once its plan is settled, so none of their actions is open or was settled
    since. A case with no action may hold an empty list (a review without recommendations) or JSON
    null (None in a bulk insert: bench/bench_dashboard.py's cases without a plan) rather than SQL
    NULL: read as text, neither is fetched and decoded only to be dropped."""
    query = select(Case.id, Case.council_id, Case.action_plan).where(
        Case.council_id.in_(list(council_ids)),
        Case.action_plan.is_not(None),
        cast(Case.action_plan, Text).not_in(EMPTY_PLANS),
    )
    if open_since is not None:
        since = datetime.combine(open_since, time.min, LOCAL_TIMEZONE)
        query = query.where(or_(Case.closed_at.is_(None), Case.closed_at >= since))
    return query


def count_appeals(council_ids: Iterable[str], start: date, end: date) -> dict[tuple[str, str], int]:
    """Appeals of an outcome received from ``start`` to ``end``, per (council, result): ``upheld``,
    ``not_upheld`` or ``undecided`` (requests to review a refusal are not appeals)."""
    query = (
        select(Case.council_id, Appeal.upheld, func.count(Appeal.id))
        .join(Case, Case.id == Appeal.case_id)
        .where(
            Case.council_id.in_(list(council_ids)),
            Appeal.kind == "appeal",
            Appeal.received_on.between(start, end),
        )
        .group_by(Case.council_id, Appeal.upheld)
    )
    names = {True: "upheld", False: "not_upheld", None: "undecided"}
    return {(council, names[upheld]): n for council, upheld, n in db.session.execute(query)}


def published_years(council_ids: Iterable[str]) -> dict[str, list[int]]:
    """The years each council has published, newest first."""
    query = (
        select(FiguresPublication.council_id, FiguresPublication.year)
        .where(FiguresPublication.council_id.in_(list(council_ids)))
        .order_by(FiguresPublication.year.desc())
    )
    years: dict[str, list[int]] = {}
    for council, year in db.session.execute(query):
        years.setdefault(council, []).append(year)
    return years
