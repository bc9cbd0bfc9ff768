"""The inbox: my tasks and my team's unclaimed tasks, with filters, claim and unclaim."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import flash, g, redirect, render_template, request, session, url_for

from app import clock
from app.domain.labels import stage_label
from app.engine.specs import STAGES
from app.public import home
from app.services import councils as council_service
from app.services import tasks as task_service
from app.services.cases import CaseConflict
from app.web import safe_next, web_bp
from app.web.due_dates import DueDate, describe_due_date
from app.web.pagination import page_number, pagination

PER_PAGE = 25


@dataclass(frozen=True)
class TaskRow:
    id: int
    case_reference: str
    case_href: str
    name: str
    stage: str
    council: str
    due: DueDate
    assignee: str
    action: str | None  # "claim", "unclaim" or None


@dataclass(frozen=True)
class TaskList:
    rows: list[TaskRow]
    total: int
    pagination: dict[str, Any] | None


def _filters() -> dict[str, Any]:
    council = request.args.get("council", session.get("council", ""))
    stage = request.args.get("stage", "")
    return {
        "council": council if council in g.user.council_ids else "",
        "stage": stage if stage in STAGES else "",
        "overdue": request.args.get("overdue") == "yes",
    }


def _task_list(filters: dict[str, Any], page_arg: str, *, claimed: bool | None = None,
               escalated: bool = False) -> TaskList:  # fmt: skip
    page = page_number(page_arg)
    items, total = task_service.inbox(
        g.user,
        scope="mine",
        council=filters["council"] or None,
        overdue=filters["overdue"],
        stage=filters["stage"] or None,
        claimed=claimed,
        escalated=escalated,
        page=page,
        per_page=PER_PAGE,
    )
    # An escalated task shows who holds it: the manager chases them rather than claiming it.
    action = None if escalated else "unclaim" if claimed else "claim"
    rows = task_rows(items, action=action)
    return TaskList(rows, total, pagination("web.inbox", page, total, PER_PAGE, page_arg))


def task_rows(items, action: str | None) -> list[TaskRow]:
    """Rows for the task table: the case, the task, its due date in the council's working days."""
    today = clock.today()
    rows = []
    for task in items:
        policy = council_service.policy_for(task.council_id)
        rows.append(
            TaskRow(
                id=task.id,
                case_reference=task.case.reference,
                case_href=url_for("web.case_page", case_id=task.case_id),
                name=task.name,
                stage=stage_label(task.stage),
                council=policy.name,
                due=describe_due_date(task.due_on, today, policy.calendar),
                assignee=task.assignee.email if task.assignee else "Unclaimed",
                action=action,
            )
        )
    return rows


def _filter_options(filters: dict[str, Any]) -> dict[str, Any]:
    councils = council_service.councils_visible_to(g.user)
    return {
        "councils": [{"value": "", "text": "All my councils"}]
        + [{"value": c.id, "text": c.name, "selected": c.id == filters["council"]} for c in councils]
        if len(councils) > 1
        else [],
        "stages": [{"value": "", "text": "Any stage"}]
        + [{"value": s, "text": stage_label(s), "selected": s == filters["stage"]} for s in STAGES],
    }


@web_bp.get("/")
def inbox():
    if g.user is None:  # visitors get the public start page (web.PUBLIC_ENDPOINTS)
        return home.start_page()
    filters = _filters()
    return render_template(
        "web/inbox.html",
        escalated=_task_list(filters, "escalated_page", escalated=True),
        mine=_task_list(filters, "my_page", claimed=True),
        unclaimed=_task_list(filters, "page", claimed=False),
        filters=filters,
        options=_filter_options(filters),
        return_to=request.full_path.rstrip("?"),
    )


@web_bp.post("/tasks/<int:task_id>/claim")
def claim_task(task_id: int):
    return _change_claim(task_service.claim_task, task_id, "You claimed")


@web_bp.post("/tasks/<int:task_id>/unclaim")
def unclaim_task(task_id: int):
    return _change_claim(task_service.unclaim_task, task_id, "You gave back")


def _change_claim(change, task_id: int, verb: str):
    try:
        task = change(g.user, task_id)
    except CaseConflict as exc:
        flash(str(exc), "conflict")
    else:
        flash(f"{verb} ‘{task.name}’ on case {task.case.reference}.", "success")
    return redirect(safe_next(request.form.get("return_to")))
