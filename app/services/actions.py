"""Use cases on a case's action plan: reading it as the caller may, and a manager closing an
action that will not be done (issue 15).

Why closing is a service operation, not a step of its own in the diagram: the owning agency's
report task is one instance per action inside the diagram's sub-process over the actions, and a
manager's close must end exactly that instance. A message or signal in SpiffWorkflow 3.2 reaches
every instance waiting for it, not one, so a diagram step cannot address one action. The close
completes the action's open report task with ``closed = True`` and the reason as its note; the
diagram's own gateway ("Done or closed?") then ends the instance, so the plan, its escalation
timer and the join stay in the diagram where a process owner sees and changes them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from app import clock
from app.clock import LOCAL_TIMEZONE
from app.domain import actions
from app.engine.runtime import CaseRun, TaskNotReady, WorkflowError
from app.models import Case, Role, TaskStatus, User
from app.presenters.case_file import STAFF, audience_of
from app.services import case_runs
from app.services.cases import CaseBroken, CaseConflict, CaseForbidden, saving_case
from app.store import cases as case_store

REPORT_FORM = "report_action"
CLOSE_ROLES = {Role.COMMUNITY_SAFETY_MANAGER}


def plan_for(user: User, case: Case) -> list[dict[str, Any]]:
    """The plan as the caller may see it: council staff the whole plan; a partner agency only the
    actions its agency owns (partners see only their part, as with the case itself)."""
    plan = case.action_plan or []
    shown = plan if audience_of(user, case) == STAFF else actions.for_agency(plan, user.agency)
    return [_with_dates(a) for a in shown]


def _with_dates(action: dict[str, Any]) -> dict[str, Any]:
    # The plan keeps dates as the case data does (YYYY-MM-DD); the API schema dumps dates.
    return {
        **action,
        "due_on": date.fromisoformat(action["due_on"]) if action.get("due_on") else None,
        "done_on": date.fromisoformat(action["done_on"]) if action.get("done_on") else None,
    }


def close_action(user: User, case: Case, number: int, reason: str) -> Case:
    """A manager closes action ``number`` of a visible case, undone, with a reason the victim sees.

    Not a manager of the case's council: CaseForbidden; no such action: ActionNotFound; done or
    closed already: CaseConflict. The action's open report task is completed as closed, which
    ends its instance in the diagram; a case whose diagram has no report task for it (one that
    started on a version from before action plans) has the closure recorded on its plan only.
    """
    if not user.roles_in(case.council_id) & CLOSE_ROLES:
        raise CaseForbidden("Only a community safety manager of the case's council closes an action.")
    action = actions.find(case.action_plan, number)
    if action["status"] != actions.OPEN:
        raise CaseConflict(f"Action {number} is {action['status']} already.")
    case = case_store.get_whole_case(case.id)
    now = clock.now()
    today = now.astimezone(LOCAL_TIMEZONE).date()
    data = {"done": False, "done_on": None, "note": reason, "closed": True, "action_number": number}
    rows = [t for t in case.tasks if t.status == TaskStatus.OPEN and t.form_key == REPORT_FORM]

    def close(run: CaseRun, workflow) -> None:
        for row in rows:
            try:
                task_data = run.user_task_data(workflow, row.spiff_id)
            except TaskNotReady:
                continue
            if (task_data.get("action") or {}).get("number") == number:
                row.status, row.completed_at, row.completed_by_id, row.data = (
                    TaskStatus.COMPLETED, now, user.id, data,
                )  # fmt: skip
                run.complete_user_task(workflow, row.spiff_id, data)
                return

    with saving_case():
        try:
            case_runs.run_case(case, user.email, close, now)
        except WorkflowError as exc:
            raise CaseBroken(str(exc)) from exc
        case.action_plan = actions.with_report(
            case.action_plan, number, done=False, closed=True, note=reason, on=today, by=user.email
        )
        case_runs.add_history(
            case, user.email, "action_closed", f"Action {number} closed undone: {reason}", now
        )
    return case
