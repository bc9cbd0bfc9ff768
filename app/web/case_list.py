"""The staff case list: search by reference, name, e-mail or postcode, filter by stage, status
and overdue, a page at a time (issue 12, "Managers: a case list with search")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import abort, g, render_template, request, session, url_for
from marshmallow import ValidationError

from app import clock
from app.domain.calendar import format_date
from app.domain.labels import agency_label, in_words, milestone_label, stage_label
from app.models import Case, CaseStatus
from app.schemas.dashboard import CaseFigureQueryFields
from app.services import access_log, restrictions
from app.services import cases as case_service
from app.services import councils as council_service
from app.store.dashboard import CaseFigure
from app.web import web_bp
from app.web.pagination import page_number, pagination

PER_PAGE = 25
STAGES = ("acknowledgement", "threshold", "review", "outcome", "monitoring", "appeal", "closed")
MAX_QUERY = 200  # as GET /api/v1/cases?q= (CaseQuerySchema)


@dataclass(frozen=True)
class CaseRow:
    id: int
    reference: str
    council: str
    victims: str
    received_on: date
    stage: str
    status: str
    overdue: str  # "" or what is overdue: "Acknowledge the application (due 8 December 2026)"


_figure_schema = CaseFigureQueryFields()
FIGURE_ARGS = ("county", "figure", "key", "from", "to")
FIGURE_WORDS = {
    "deadline_met": "Deadline met: {key}",
    "deadline_missed": "Deadline missed: {key}",
    "overdue_task_role": "An overdue task for the role: {key}",
    "overdue_task_agency": "An overdue task for the partner agency: {key}",
    "milestone": "Milestone first reached: {key}",
    "action": "Actions {key}",
}


def _figure_filters() -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """The dashboard's filters (county, and the cases behind a figure), checked as the API checks
    them: (loaded values, the arguments as given, an error message per argument)."""
    given = {
        name: request.args.get(name, "").strip() for name in FIGURE_ARGS if request.args.get(name, "").strip()
    }
    try:
        return _figure_schema.load(given), given, {}
    except ValidationError as exc:
        return {}, given, {name: " ".join(messages) for name, messages in exc.messages.items()}


def figure_words(figure: CaseFigure) -> str:
    """What a figure counted, as the case list heads its cases: 'Deadline missed: acknowledge,
    due 1 September 2026 to 23 November 2026'."""
    key = {
        "milestone": milestone_label,
        "overdue_task_agency": agency_label,
        "action": lambda k: in_words(k).lower(),
    }.get(figure.kind, in_words)(figure.key)
    words = FIGURE_WORDS[figure.kind].format(key=key)
    if figure.kind in ("overdue_task_role", "overdue_task_agency") or figure.key in ("open", "overdue"):
        return f"{words}, today"
    return f"{words}, {format_date(figure.period.start)} to {format_date(figure.period.end)}"


def _filters(councils: list[str]) -> dict[str, Any]:
    council = request.args.get("council", session.get("council", ""))
    stage = request.args.get("stage", "")
    status = request.args.get("status", "")
    return {
        "q": " ".join(request.args.get("q", "").split())[:MAX_QUERY],
        "council": council if council in councils else "",
        "stage": stage if stage in STAGES else "",
        "status": status if status in {s.value for s in CaseStatus} else "",
        "overdue": request.args.get("overdue") == "yes",
    }


def case_rows(items: list[Case], today: date, viewer) -> list[CaseRow]:
    rows = []
    for case in items:
        application = restrictions.application_for(viewer, case)  # a restricted person withheld
        late = [d for d in case.deadlines if d.done_on is None and d.due_on < today]
        first = min(late, key=lambda d: d.due_on) if late and case.status == CaseStatus.OPEN else None
        victims = [v.get("name") or "" for v in application.get("victims") or []]
        rows.append(
            CaseRow(
                id=case.id,
                reference=case.reference,
                council=council_service.policy_for(case.council_id).name,
                victims=", ".join(v for v in victims if v) or "Not given",
                received_on=case.received_on,
                stage=stage_label(case.stage),
                status=in_words(case.status),
                overdue=f"{first.label} (due {format_date(first.due_on)})" if first else "",
            )
        )
    return rows


@web_bp.get("/cases")
def case_list():
    councils = case_service.staff_councils(g.user)
    if not councils:
        abort(403)  # partners reach their cases from their tasks
    filters = _filters(councils)
    figure_filters, figure_args, figure_errors = _figure_filters()
    page = page_number()
    items, total = [], 0
    if not figure_errors:  # a list that ignored a wrong filter would pass for the cases behind it
        items, total = case_service.list_cases(
            g.user,
            council=filters["council"] or None,
            status=filters["status"] or None,
            stage=filters["stage"] or None,
            overdue=filters["overdue"],
            q=filters["q"] or None,
            page=page,
            per_page=PER_PAGE,
            with_deadlines=True,
            county=figure_filters.get("county"),
            figure=figure_filters.get("figure"),
        )
    for case in items:  # each row names the case's victims
        access_log.record_case_access(g.user, case.id, case.council_id, target="case list")
    visible = council_service.councils_visible_to(g.user)
    options = {
        "councils": [{"value": "", "text": "All my councils"}]
        + [
            {"value": c.id, "text": c.name, "selected": c.id == filters["council"]}
            for c in visible
            if c.id in councils
        ]
        if len(councils) > 1
        else [],
        "stages": [{"value": "", "text": "Any stage"}]
        + [{"value": s, "text": stage_label(s), "selected": s == filters["stage"]} for s in STAGES],
        "statuses": [{"value": "", "text": "Open or closed"}]
        + [
            {"value": s.value, "text": in_words(s.value), "selected": s.value == filters["status"]}
            for s in CaseStatus
        ],
    }
    return render_template(
        "web/case_list.html",
        filters=filters,
        options=options,
        rows=case_rows(items, clock.today(), g.user),
        total=total,
        pagination=pagination("web.case_list", page, total, PER_PAGE),
        searched=any(filters[k] for k in ("q", "stage", "status", "overdue")) or bool(figure_args),
        figure_args=figure_args,
        figure_errors=figure_errors,
        figure_error_list=[{"text": f"“{name}”: {message}"} for name, message in figure_errors.items()],
        figure=figure_words(figure_filters["figure"]) if "figure" in figure_filters else "",
        clear_href=url_for("web.case_list"),
    )
