"""The action plan: each recommendation of the case review is an action, followed through until
it is done or closed (LIFECYCLE.md "The action plan is followed through"; issue 15).

An action is a plain dict, as the case keeps it (``case.action_plan``) and the API shows it
(spec/API.md ``GET /api/v1/cases/{id}/actions``): ``id`` (its number in the plan, from 1, as the
diagram numbers the recommendations), ``description``, ``owner_agency``, ``due_on``,
``agreed_with_victim``, ``status`` (``open``, ``done``, ``closed``), ``done_on`` (the day it was
done, or closed), ``note`` (the latest progress note, or the reason it was closed: the victim
reads it, so the product never puts a name in it, and the forms say so), and ``updates``, the
reports in the order they came.

The sources: "where further actions are recommended, an action plan will be drawn up in
consultation with the victim including any timescales" (derbyshire-public-page.txt, line 7);
"The case will be added to the East Herts Anti-social Behaviour Action Group (ASBAG) for onward
monitoring" (east-herts-policy.txt, lines 548-549).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

OPEN, DONE, CLOSED = "open", "done", "closed"
STATUSES = (OPEN, DONE, CLOSED)
# The owner of an action the council itself carries out: worked by its officers, as its own
# records check is (app/domain/bodies.py WORKED_BY_ROLE); no partner user belongs to it.
COUNCIL = "council"


def plan_from(recommendations: Iterable[Mapping[str, Any]], first: int = 1) -> list[dict[str, Any]]:
    """The plan the case review's recommendations make, every action open, numbered from
    ``first`` (an upheld appeal's further actions follow the review's: handlers/action_plan.py)."""
    return [
        {
            "id": number,
            "description": str(item.get("action") or ""),
            "owner_agency": str(item.get("owner_agency") or ""),
            "due_on": str(item.get("due_on") or ""),
            "agreed_with_victim": bool(item.get("agreed_with_victim")),
            "status": OPEN,
            "done_on": None,
            "note": "",
            "updates": [],
        }
        for number, item in enumerate(recommendations, start=first)
    ]


def owners(plan: Iterable[Mapping[str, Any]]) -> tuple[str, ...]:
    """The agencies that own an action, each once, in plan order."""
    return tuple(dict.fromkeys(a["owner_agency"] for a in plan if a.get("owner_agency")))


def partners_to_bring_in(plan: Iterable[Mapping[str, Any]]) -> tuple[str, ...]:
    """The agencies an action plan brings into its case: every owner but the council, which runs
    the case already. Owning an action is what lets an agency's partners see the case and the task."""
    return tuple(a for a in owners(plan) if a != COUNCIL)


class ActionNotFound(LookupError):
    pass


class ActionNotOpen(ValueError):
    pass


def find(plan: Iterable[Mapping[str, Any]] | None, number: int) -> dict[str, Any]:
    for action in plan or []:
        if action.get("id") == number:
            return dict(action)
    raise ActionNotFound(number)


def with_report(
    plan: list[dict[str, Any]] | None,
    number: int,
    *,
    done: bool,
    closed: bool,
    note: str,
    on: date,
    by: str,
    done_on: str | None = None,
) -> list[dict[str, Any]]:
    """A new plan with one report on action ``number``: progress (the note), done (on
    ``done_on``), or closed undone by a manager (the note is the reason). A report on an action
    that is no longer open is refused (ActionNotOpen): it was done or closed already."""
    result = copy.deepcopy(list(plan or []))
    for action in result:
        if action.get("id") != number:
            continue
        if action.get("status") != OPEN:
            raise ActionNotOpen(f"Action {number} is {action.get('status')} already.")
        status = CLOSED if closed else DONE if done else OPEN
        action["status"] = status
        action["note"] = note
        if status == DONE:
            action["done_on"] = done_on or on.isoformat()
        elif status == CLOSED:
            action["done_on"] = on.isoformat()
        action.setdefault("updates", []).append(
            {"on": on.isoformat(), "by": by, "status": status, "note": note}
        )
        return result
    raise ActionNotFound(number)


def for_agency(plan: Iterable[Mapping[str, Any]] | None, agency: str | None) -> list[dict[str, Any]]:
    """The actions an agency's partners see: those it owns ("partners see only their part")."""
    return [dict(a) for a in plan or [] if agency and a.get("owner_agency") == agency]


def is_overdue(action: Mapping[str, Any], today: date) -> bool:
    return (
        action.get("status") == OPEN and bool(action.get("due_on")) and action["due_on"] < today.isoformat()
    )


@dataclass(frozen=True)
class ActionCounts:
    """What became of the actions of a set of plans: done by the due date, done after it,
    closed undone, and still open."""

    done_on_time: int = 0
    done_late: int = 0
    closed_undone: int = 0
    open: int = 0

    def __add__(self, other: ActionCounts) -> ActionCounts:
        return ActionCounts(
            self.done_on_time + other.done_on_time,
            self.done_late + other.done_late,
            self.closed_undone + other.closed_undone,
            self.open + other.open,
        )


def counts(plans: Iterable[Iterable[Mapping[str, Any]] | None]) -> ActionCounts:
    """Every action of ``plans`` by what became of it (open ones too)."""
    return _count(action for plan in plans for action in plan or [])


def counts_settled_in(
    plans: Iterable[Iterable[Mapping[str, Any]] | None], start: date, end: date
) -> ActionCounts:
    """The actions done or closed from ``start`` to ``end`` inclusive (the year of a report):
    an action counts in the year it was settled, as a figure counts a milestone in its year."""
    first, last = start.isoformat(), end.isoformat()
    return _count(
        action
        for plan in plans
        for action in plan or []
        if action.get("status") in (DONE, CLOSED) and first <= str(action.get("done_on") or "") <= last
    )


def _count(found: Iterable[Mapping[str, Any]]) -> ActionCounts:
    done_on_time = done_late = closed_undone = still_open = 0
    for action in found:
        status = action.get("status")
        if status == DONE:
            late = bool(action.get("done_on")) and action["done_on"] > str(action.get("due_on") or "")
            done_late += late
            done_on_time += not late
        elif status == CLOSED:
            closed_undone += 1
        else:
            still_open += 1
    return ActionCounts(done_on_time, done_late, closed_undone, still_open)


# What the managers' dashboard counts of the actions (issue 15): those standing open and overdue
# today, and those settled in the period by how (as counts_settled_in). An overdue action is
# open too.
ACTION_FIGURES = ("open", "overdue", "done_on_time", "done_late", "closed_undone")


def in_action_figure(action: Mapping[str, Any], figure: str, start: date, end: date, today: date) -> bool:
    """Whether ``action`` counts in the dashboard's ``figure`` (ACTION_FIGURES) for the period
    ``start`` to ``end``. The dashboard's counts and the case list behind each count both ask
    this, so a figure's link lists exactly the cases it counted."""
    status = action.get("status")
    if figure == "open":
        return status == OPEN
    if figure == "overdue":
        return is_overdue(action, today)
    settled_on = str(action.get("done_on") or "")
    if status not in (DONE, CLOSED) or not start.isoformat() <= settled_on <= end.isoformat():
        return False
    if figure == "closed_undone":
        return status == CLOSED
    late = status == DONE and settled_on > str(action.get("due_on") or "")
    return status == DONE and late == (figure == "done_late")
