"""The task page: the task's form (from its JSON Schema), the case's key facts beside it, and for
the threshold decision the automatic evaluation incident by incident.

Completing goes through ``app.services.tasks.complete_task``, as the API does: its FormError
becomes the GOV.UK error summary, its CaseConflict a notification banner.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from app import clock
from app.domain.calendar import format_date
from app.domain.deadlines import status_for_people
from app.domain.labels import agency_label
from app.domain.threshold import METHOD_PHRASES, refusal_barred
from app.models import CaseTask, TaskStatus
from app.presenters.case_file import STAFF, audience_of
from app.presenters.case_summary import case_summary
from app.services import access_log, restrictions
from app.services import tasks as task_service
from app.services.cases import CaseConflict
from app.services.task_context import RECORDS_CHECK_FORM, task_context
from app.web import web_bp
from app.web.due_dates import DEADLINE_TAGS
from app.web.task_form import build_fields, error_list, page_errors, read_body
from forms import FormError, form_json_schema
from forms.choices import ROUTE_LABELS

EXCLUSION_LABELS = {
    "outside_window": "Outside the period the threshold looks at",
    "no_qualifying_report": "No report of it counts",
    "same_occasion": "Same day as another qualifying complaint (one occasion)",
}
REPORT_REASON_LABELS = {
    "outside_window": "reported outside the period the threshold looks at",
    "reported_before_incident": "reported before it happened",
    "reported_late": "reported too long after it happened",
    "ineligible_agency": "reported to an agency that does not count",
    "ineligible_method": "reported in a way that does not count",
    "not_confirmed": "not confirmed by the agency's records",
}


@web_bp.route("/tasks/<int:task_id>", methods=["GET", "POST"])
def task_page(task_id: int):
    task = task_service.visible_task(g.user, task_id)  # another council's, or not visible: 404
    access_log.record_task_access(g.user, task)
    schema = form_json_schema(task.form_key)
    context = task_context(task, g.user)
    form = request.form if request.method == "POST" else _prefilled(task, context)
    errors: dict[str, str] = {}
    conflict = None
    status = 200
    if request.method == "POST" and not request.form.get("add_another"):
        body = read_body(schema, request.form)
        try:
            # A date that is not real is sent as one the form always refuses, so the service
            # reports it with every other problem and completes nothing.
            task_service.complete_task(g.user, task, body.data)
        except FormError as exc:
            errors = page_errors(body, exc.by_path())
            status = 400
        except CaseConflict as exc:
            conflict = str(exc)
            status = 409
        else:
            flash(f"You completed ‘{task.name}’ on case {task.case.reference}.", "success")
            return redirect(url_for("web.inbox"))
    fields = build_fields(schema, form, errors)
    records_check = records_check_view(context, fields) if task.form_key == RECORDS_CHECK_FORM else None
    staff = audience_of(g.user, task.case) == STAFF
    return render_template(
        "web/task.html",
        task=task,
        schema=schema,
        is_open=task.status == TaskStatus.OPEN,
        fields=fields,
        errors=error_list(schema, errors, form),
        conflict=conflict,
        summary=case_summary(task, g.user, staff=staff),
        claim=claim_control(task),
        assign=assign_control(task),
        return_to=request.path,
        deadlines=deadline_rows(task) if staff else [],
        threshold=threshold_view(task, g.user) if task.form_key == "threshold_decision" else None,
        records_check=records_check,
        checks=checks_view(context) if task.form_key == "threshold_decision" else None,
    ), status


def _prefilled(task: CaseTask, context: dict[str, Any] | None) -> MultiDict:
    """A records check's form starts with one row per report made to the body, each naming it."""
    if task.form_key != RECORDS_CHECK_FORM or not context:
        return MultiDict()
    form = MultiDict({"reports-rows": str(len(context["reports"]))})
    for row, report in enumerate(context["reports"]):
        form[f"reports.{row}.report"] = report["report"]
    return form


def _report_text(report: dict[str, Any]) -> str:
    method = METHOD_PHRASES.get(report.get("method") or "", report.get("method") or "")
    text = (
        f"Incident of {_date_text(report.get('occurred_on'))}, reported on "
        f"{_date_text(report.get('reported_on'))} {method}"
    ).rstrip()
    return text + (f", reference {report['reference']}" if report.get("reference") else "")


def records_check_view(context: dict[str, Any] | None, fields: list) -> dict[str, Any] | None:
    """What the body searches for, and its reports; each answer row is titled with its report."""
    if not context:
        return None
    reports = context["reports"]
    for form_field in fields:
        if form_field.path == "reports":
            for row in form_field.rows:
                index = int(row.path.rsplit(".", 1)[1])
                if index < len(reports):
                    row.params["legend"]["text"] = _report_text(reports[index])
    search = context["search"]
    rows = [("Victim", ", ".join(p for p in (v["name"], v["address"]) if p)) for v in search["victims"]]
    if search["applicant"]:
        who = search["applicant"]
        rows.append(
            ("Applicant", ", ".join(p for p in (who["name"], who["organisation"], who["address"]) if p))
        )
    rows.append(("Incident dates", ", ".join(_date_text(d) for d in search["incident_dates"]) or "None"))
    return {
        "search": [{"key": {"text": k}, "value": {"text": v}} for k, v in rows],
        "reports": [_report_text(r) for r in reports],
    }


def checks_view(context: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Each relevant body's answers, report by report, for the threshold decision."""
    result = []
    for check in (context or {}).get("records_checks") or []:
        answers = []
        for report in check["reports"]:
            if report.get("confirmed"):
                tag = {"text": "On record", "classes": "govuk-tag--green"}
            else:
                tag = {"text": "No record", "classes": "govuk-tag--red"}
            answers.append(
                {"report": _report_text(report), "tag": tag, "reason": report.get("not_confirmed", "")}
            )
        result.append(
            {
                "agency": agency_label(check["agency"]),
                "checked_on": _date_text(check.get("checked_on")),
                "notes": check.get("notes", ""),
                "reports": answers,
            }
        )
    return result


def claim_control(task: CaseTask) -> str | None:
    """The claim button the user may press on an open task: "claim", "unclaim" or None."""
    if task.status != TaskStatus.OPEN or task.role not in task_service.worked_roles(g.user, task.council_id):
        return None
    if task.assignee_id is None:
        return "claim"
    return "unclaim" if task.assignee_id == g.user.id else None


def assign_control(task: CaseTask) -> dict[str, Any] | None:
    """A manager's choice of who gets an open task: everyone who works its role at its council."""
    if task.status != TaskStatus.OPEN or not task_service.manages(g.user, task):
        return None
    people = [p for p in task_service.people_for_task(task) if p.id != task.assignee_id]
    if not people:
        return None
    return {
        "action": "Reassign" if task.assignee_id else "Assign",
        "items": [{"value": "", "text": "Choose someone"}]
        + [{"value": p.email, "text": f"{p.name} ({p.email})"} for p in people],
    }


@web_bp.post("/tasks/<int:task_id>/assign")
def assign_task(task_id: int):
    """A manager gives the task to someone (the same service as POST /api/v1/tasks/{id}/assign)."""
    email = request.form.get("user", "")
    try:
        task = task_service.assign_task(g.user, task_id, email)
    except FormError:
        flash("Choose who should get the task.", "conflict")
    except CaseConflict as exc:
        flash(str(exc), "conflict")
    else:
        flash(f"‘{task.name}’ on case {task.case.reference} is now {task.assignee.name}’s.", "success")
    return redirect(url_for("web.task_page", task_id=task_id))


def deadline_rows(task: CaseTask) -> list[dict[str, Any]]:
    today = clock.today()
    rows = []
    for deadline in task.case.deadlines:
        text, classes = DEADLINE_TAGS[
            status_for_people(deadline.key, deadline.due_on, deadline.done_on, today)
        ]
        rows.append(
            {
                "label": deadline.label,
                "due": format_date(deadline.due_on),
                "tag": {"text": text, "classes": classes},
            }
        )
    return rows


def threshold_view(task: CaseTask, viewer) -> dict[str, Any] | None:
    evaluation = task.case.threshold
    if not evaluation:
        return None
    excluded = {item["incident"]: item for item in evaluation.get("excluded", [])}
    qualifying = set(evaluation.get("qualifying_incidents", []))
    incidents = []
    for incident in restrictions.application_for(viewer, task.case).get("incidents", []):
        ident = incident.get("id")
        if ident in qualifying:
            tag, reasons = {"text": "Qualifies", "classes": "govuk-tag--green"}, []
        elif ident in excluded:
            exclusion = excluded[ident]
            tag = {"text": "Excluded", "classes": "govuk-tag--grey"}
            reasons = [EXCLUSION_LABELS.get(exclusion["reason"], exclusion["reason"])]
            reasons += [
                "It was " + REPORT_REASON_LABELS.get(code, code)
                for code in exclusion.get("report_reasons", [])
            ]
        else:
            tag, reasons = {"text": "Not counted", "classes": "govuk-tag--grey"}, []
        incidents.append(
            {
                "occurred_on": _date_text(incident.get("occurred_on")),
                "description": incident.get("description", ""),
                "tag": tag,
                "reasons": reasons,
            }
        )
    met = evaluation.get("met")
    confirmed = task_service.threshold_on_confirmed_records(task)
    return {
        "confirmed": {
            "counts": f"{confirmed.qualifying_count} qualifying of {confirmed.required} needed, counting only the "
            "reports the agencies have confirmed from their records.",
            "barred": refusal_barred(confirmed),
        }
        if confirmed
        else None,
        "result": {
            "text": "Threshold met" if met else "Threshold not met",
            "classes": "govuk-tag--green" if met else "govuk-tag--red",
        },
        "route": ROUTE_LABELS.get(evaluation.get("route") or "", ""),
        "counts": f"{evaluation.get('qualifying_count', 0)} qualifying of {evaluation.get('required', 0)} needed",
        "explanation": evaluation.get("explanation", ""),
        "incidents": incidents,
    }


def _date_text(value: str | None) -> str:
    try:
        return format_date(date.fromisoformat(value or ""))
    except (TypeError, ValueError):
        return value or ""
