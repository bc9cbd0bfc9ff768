"""The case page: summary, deadlines, timeline, documents, open tasks and the live diagram.

What each audience sees is decided here (``present_case``), not in the templates: council
staff see the whole case; a partner agency asked about the case (``visible_case`` lets it in)
sees its status, deadlines, the diagram with the current step and its own tasks, nothing else.
The diagram's states come from the case's rows (completed tasks, milestones, open tasks),
never from the serialized workflow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as safe_fromstring
from flask import Response, abort, flash, g, jsonify, redirect, render_template, request, url_for
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from app import clock
from app.domain.calendar import format_date
from app.domain.deadlines import status_for_people
from app.models import Case, TaskStatus, User
from app.schemas.cases import AppealRequestSchema
from app.services import cases as case_service
from app.services import councils as council_service
from app.services import documents as document_service
from app.services.cases import CASE_ROLES, CaseNotFound, visible_case
from app.store import cases as case_store
from app.store import documents as document_store
from app.web import web_bp
from app.web.due_dates import DueDate, describe_due_date
from app.web.task_form import build_fields, error_list, page_errors, read_body

LONDON = ZoneInfo("Europe/London")
BPMN_NAME_TAGS = ("task", "Task", "Event", "Gateway", "subProcess", "callActivity")


@dataclass(frozen=True)
class DeadlineRow:
    label: str
    due_text: str
    done_text: str
    status: str  # app.domain.deadlines.status_for_people: met, missed, pending, lodged or closed
    due: DueDate  # for pending ones: "due in 3 working days"


@dataclass(frozen=True)
class TimelineEntry:
    when: str
    title: str
    detail: str


@dataclass(frozen=True)
class DocumentLink:
    title: str
    issued: str
    recipient: str
    html_href: str
    pdf_href: str


@dataclass(frozen=True)
class TaskLink:
    id: int
    name: str
    stage: str
    href: str
    due: DueDate
    assignee: str

    @property
    def due_text(self) -> str:
        """ "due 7 December 2026", or "no due date"."""
        return f"due {self.due.date_text}" if self.due.phrase else "no due date"


@dataclass(frozen=True)
class CasePage:
    id: int
    reference: str
    council: str
    status: str
    stage: str
    received: str | None  # None: not shown (partners)
    # When the statutory clock started (staff only), or why it has not yet.
    clock_started: str | None
    process: str | None  # "community-trigger, version 3"; None for partners
    deadlines: list[DeadlineRow]
    tasks: list[TaskLink]
    steps_done: list[str]  # the diagram's text alternative
    steps_open: list[str]
    staff: bool
    # Staff only; None for partners, so a template cannot show them by mistake.
    timeline: list[TimelineEntry] | None
    documents: list[DocumentLink] | None
    # Staff only: the challenge window the case has open (an appeal or review request can be
    # recorded), e.g. "Appeal window: last day 12 January 2027"; None when there is none.
    challenge: str | None = None


def _clock_started(case: Case) -> str:
    if case.clock_started_on is None:
        return "Not yet: it starts when the victim's consent is recorded"
    return format_date(case.clock_started_on)


def _is_staff(user: User, case: Case) -> bool:
    return bool(user.roles_in(case.council_id) & CASE_ROLES)


def _visible(case_id: int) -> Case:
    try:
        return visible_case(g.user, case_id)
    except CaseNotFound:
        abort(404)


def _label(key: str) -> str:
    return key.replace("_", " ").replace("-", " ").capitalize()


def _timeline_entry(entry) -> TimelineEntry:
    if entry.event == "milestone":
        return TimelineEntry(
            _when(entry.at), _label(entry.detail.replace(" ", "_")), f"Milestone reached ({entry.actor})"
        )
    detail = f"{entry.detail} ({entry.actor})" if entry.detail else entry.actor
    return TimelineEntry(_when(entry.at), _label(entry.event), detail)


def _when(at: datetime) -> str:
    local = at.astimezone(LONDON)
    return f"{format_date(local.date())}, {local:%H:%M}"


def element_names(xml: str) -> dict[str, str]:
    """Element id -> its name in the diagram (flow nodes only)."""
    try:
        root = safe_fromstring(xml.encode())
    except ParseError:
        return {}
    names = {}
    for node in root.iter():
        tag = node.tag.rsplit("}", 1)[-1]
        if node.get("id") and any(part in tag for part in BPMN_NAME_TAGS):
            names[node.get("id")] = " ".join((node.get("name") or "").split()) or node.get("id")
    return names


def diagram_state(case: Case, staff: bool) -> dict[str, list[str]]:
    """Completed user tasks and reached milestones, and the open tasks, as diagram element ids.

    Partners see the current step only.
    """
    current = list(dict.fromkeys(t.element for t in case.tasks if t.status == TaskStatus.OPEN))
    if not staff:
        return {"completed": [], "current": current}
    done = [t.element for t in case.tasks if t.status == TaskStatus.COMPLETED]
    done += [m.element for m in case.milestones]
    completed = [e for e in dict.fromkeys(done) if e and e not in current]
    return {"completed": completed, "current": current}


def present_case(user: User, case: Case) -> CasePage:
    staff = _is_staff(user, case)
    policy = council_service.policy_for(case.council_id)
    today = clock.today()
    deadlines = [
        DeadlineRow(
            label=d.label,
            due_text=format_date(d.due_on),
            done_text=format_date(d.done_on) if d.done_on else "Not yet",
            status=status_for_people(d.key, d.due_on, d.done_on, today),
            due=describe_due_date(d.due_on, today, policy.calendar),
        )
        for d in case.deadlines
    ]
    open_tasks = [t for t in case.tasks if t.status == TaskStatus.OPEN]
    if not staff:
        open_tasks = [t for t in open_tasks if user.agency and t.agency == user.agency]
    tasks = [
        TaskLink(
            id=t.id,
            name=t.name,
            stage=t.stage.capitalize(),
            href=f"/tasks/{t.id}",
            due=describe_due_date(t.due_on, today, policy.calendar),
            assignee=t.assignee.email if t.assignee else "Unclaimed",
        )
        for t in open_tasks
    ]
    state = diagram_state(case, staff)
    names = element_names(case.process_version.xml)
    timeline = documents = None
    if staff:
        # The history holds every event, milestones included (with who reached them), in order.
        entries = [(h.at, _timeline_entry(h)) for h in case.history]
        timeline = [entry for _, entry in sorted(entries, key=lambda pair: pair[0])]
        letters = case_store.page_of(document_store.documents_of_case_query(case.id), 1, 200)[0]
        documents = [
            DocumentLink(
                title=d.title,
                issued=format_date(d.issued_on),
                recipient=d.recipient.replace("_", " "),
                html_href=f"/documents/{d.id}",
                pdf_href=f"/documents/{d.id}.pdf",
            )
            for d in letters
        ]
    return CasePage(
        id=case.id,
        reference=case.reference,
        council=policy.name,
        status=case.status.capitalize(),
        stage=case.stage.capitalize(),
        received=format_date(case.received_on) if staff else None,
        clock_started=_clock_started(case) if staff else None,
        process=f"{case.process_version.process_key}, version {case.process_version.number}"
        if staff
        else None,
        deadlines=deadlines,
        tasks=tasks,
        steps_done=[names.get(e, e) for e in state["completed"]],
        steps_open=[names.get(e, e) for e in state["current"]],
        staff=staff,
        timeline=timeline,
        documents=documents,
        challenge=_challenge_window(case) if staff else None,
    )


def _challenge_window(case: Case) -> str | None:
    window = case_service.open_window(case)
    return f"{window.label}: last day {format_date(window.due_on)}" if window else None


@web_bp.get("/cases/<int:case_id>")
def case_page(case_id: int):
    case = _visible(case_id)
    page = present_case(g.user, case)
    return render_template("web/case.html", case=page)


# The appeal or review request as the page asks for it (the API's AppealRequestSchema checks it).
APPEAL_FORM = {
    "type": "object",
    "title": "Record an appeal or review request",
    "properties": {
        "received_on": {
            "type": "string",
            "format": "date",
            "title": "When was it received?",
            "description": "The day it reached the council or the appeal body, for example 27 3 2026. "
            "It is judged by this date, even when it is recorded later.",
        },
        "grounds": {
            "type": "string",
            "title": "Why does the applicant disagree?",
            "x-widget": "textarea",
            "maxLength": 10000,
        },
    },
    "required": ["received_on", "grounds"],
}
_REQUIRED = {"received_on": "Enter the date it was received", "grounds": "Enter why the applicant disagrees"}


@web_bp.route("/cases/<int:case_id>/appeals/new", methods=["GET", "POST"])
def appeal_page(case_id: int):
    """Record an appeal, or a request to review a refusal or an ineligible decision, through
    ``app.services.cases.lodge_appeal`` as the API does: a late one is refused naming the last day."""
    case = _visible(case_id)
    if not _is_staff(g.user, case):
        abort(403)
    form = request.form if request.method == "POST" else MultiDict()
    errors: dict[str, str] = {}
    conflict = None
    status = 200
    if request.method == "POST":
        body = read_body(APPEAL_FORM, request.form)
        try:
            data = AppealRequestSchema().load(body.data)
        except ValidationError as exc:
            messages = {
                name: [_REQUIRED[name]] if body.data.get(name) in (None, "") else list(texts)
                for name, texts in exc.messages.items()
            }
            errors = page_errors(body, messages)
            status = 400
        else:
            try:
                case_service.lodge_appeal(g.user, case, data["received_on"], data["grounds"])
            except case_service.CaseForbidden:
                abort(403)
            except (case_service.CaseConflict, case_service.CaseBroken) as exc:
                conflict = str(exc)
                status = 409
            else:
                flash(
                    f"You recorded the {case.appeals[-1].kind.replace('_', ' ')} on case {case.reference}.",
                    "success",
                )
                return redirect(url_for("web.case_page", case_id=case.id))
    return render_template(
        "web/appeal.html",
        case=case,
        window=_challenge_window(case),
        schema=APPEAL_FORM,
        fields=build_fields(APPEAL_FORM, form, errors),
        errors=error_list(APPEAL_FORM, errors, form),
        conflict=conflict,
    ), status


@web_bp.get("/cases/<int:case_id>/diagram.xml")
def case_diagram(case_id: int):
    """The diagram of the process version this case runs (not the council's newest one)."""
    case = _visible(case_id)
    return Response(case.process_version.xml, mimetype="application/xml")


@web_bp.get("/cases/<int:case_id>/diagram-state.json")
def case_diagram_state(case_id: int):
    case = _visible(case_id)
    return jsonify(diagram_state(case, _is_staff(g.user, case)))


def _document(document_id: int):
    try:
        return document_service.visible_document(g.user, document_id)
    except document_service.DocumentNotFound:
        abort(404)


@web_bp.get("/documents/<int:document_id>")
def document_html(document_id: int):
    response = Response(_document(document_id).html, mimetype="text/html")
    # The letter is self-contained: nothing to load, nothing to run.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@web_bp.get("/documents/<int:document_id>.pdf")
def document_pdf(document_id: int):
    document = _document(document_id)
    response = Response(document_service.document_pdf(document), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{document_service.pdf_filename(document)}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
