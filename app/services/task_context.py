"""What a task shows beside its form, for the API (``GET /api/v1/tasks/{id}``, ``context``) and the
task page alike.

A relevant body's records check (``confirm_reports``) shows only what the body needs to search
its records: the victims' and the applicant's names and addresses, the incident dates, and the
reports made to that body (app/domain/bodies.py). No other body's reports, no account of what
happened, no contact details, no vulnerability: the application is personal data, and each body
gets the least of it that does the job (UK GDPR art. 5(1)(c), data minimisation).

The threshold decision shows what each body answered, report by report.

A report on an action of the plan (``report_action``) shows that action as the plan holds it:
what, which agency, by when, agreed with the victim or not, and its reports so far.
"""

from __future__ import annotations

from typing import Any

from app.domain import actions, bodies
from app.models import CaseTask, User

RECORDS_CHECK_FORM = "confirm_reports"


def task_context(task: CaseTask, viewer: User) -> dict[str, Any] | None:
    """What the task shows ``viewer`` beside its form (a person whose data is restricted withheld
    from those it is restricted from: app/services/restrictions.py)."""
    if task.form_key == RECORDS_CHECK_FORM:
        return records_check_context(task, viewer)
    if task.form_key == "threshold_decision":
        return {"records_checks": records_checks(task.case)}
    if task.form_key == ACTION_REPORT_FORM:
        return action_context(task)
    return None


ACTION_REPORT_FORM = "report_action"


def action_context(task: CaseTask) -> dict[str, Any] | None:
    """The action an open report task is about: the task's instance carries its number."""
    from app.engine.runtime import TaskNotReady
    from app.services import case_runs
    from app.store import cases as case_store

    number = (task.data or {}).get("action_number")  # a completed report keeps it
    if number is None and task.status == "open":
        case = case_store.get_whole_case(task.case_id)
        run = case_runs.new_run(case)
        try:
            number = (run.user_task_data(run.load(case.workflow), task.spiff_id).get("action") or {}).get(
                "number"
            )
        except TaskNotReady:
            return None
    try:
        return {"action": actions.find(task.case.action_plan, number)}
    except actions.ActionNotFound:
        return None


def records_check_context(task: CaseTask, viewer: User) -> dict[str, Any]:
    from app.services.restrictions import application_for

    application = application_for(viewer, task.case)
    incidents = application.get("incidents") or []
    return {
        "search": search_details(application),
        "reports": bodies.reports_of(incidents, task.agency or ""),
    }


def search_details(application: dict[str, Any]) -> dict[str, Any]:
    """Who and when to look for: names and addresses, the dates of the incidents."""
    victims = [
        {"name": v.get("name") or "", "address": v.get("address") or ""}
        for v in application.get("victims") or []
    ]
    applicant = None
    if application.get("applicant_type") in ("third_party", "agency") and application.get("applicant"):
        person = application["applicant"]
        applicant = {
            "name": person.get("name") or "",
            "organisation": person.get("organisation") or "",
            "address": person.get("address") or "",
        }
    dates = sorted({i["occurred_on"] for i in application.get("incidents") or [] if i.get("occurred_on")})
    return {"victims": victims, "applicant": applicant, "incident_dates": dates}


def records_checks(case) -> list[dict[str, Any]]:
    """Each body's answers (as the evaluation on the checked records keeps them), with each
    report's dates and method beside its answer."""
    incidents = (case.application or {}).get("incidents") or []
    result = []
    for check in (case.threshold or {}).get("records_checks") or []:
        listed = {r["report"]: r for r in bodies.reports_of(incidents, check.get("agency") or "")}
        result.append(
            {
                "agency": check.get("agency"),
                "checked_on": check.get("checked_on"),
                "notes": check.get("notes") or "",
                "reports": [{**listed.get(a["report"], {}), **a} for a in check.get("reports") or []],
            }
        )
    return result
