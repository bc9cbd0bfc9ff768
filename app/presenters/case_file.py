"""A case as each audience may see it: the whole case file for council staff, a partner agency's
part for a partner. ``GET /api/v1/cases/{id}``, the case returned on completing a task and the
case page all go through ``present``, so the API cannot show a partner more than the page does
(issue 13, "Partners get their part and nothing else, in the API too").

A partner agency asked about a case (``app.services.cases.visible_case`` lets it in) sees what its
part needs (issue 12, "Partners"): the victims' names and addresses, the incidents with only the
reports made to its own agency, the stage in words, a simple view of the stages and its own
tasks. Never the threshold evaluation or decision, review findings, appeals and their grounds,
other agencies' reports, other roles' tasks, the history or staff e-mail addresses (UK GDPR
art. 5(1)(c), data minimisation, as app/services/task_context.py does for the records check).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as safe_fromstring

from app import clock
from app.domain import bodies
from app.domain.calendar import format_date, govuk_date
from app.domain.deadlines import status_for_people
from app.domain.labels import (
    agency_label,
    applicant_type_label,
    channel_phrase,
    consent_evidence_label,
    in_words,
    method_label,
    milestone_label,
    recipient_label,
    stage_label,
)
from app.domain.restriction import person_heading
from app.models import Case, CaseTask, Document, EmailStatus, TaskStatus, User
from app.services import councils
from app.services.cases import CASE_ROLES, VIEW_ROLES, open_window
from app.services.task_context import RECORDS_CHECK_FORM

if TYPE_CHECKING:
    from app.web.due_dates import DueDate

STAFF = "staff"
PARTNER = "partner"
# The stages a case moves through, in order, for the partners' progress view (app.engine.specs
# STAGES, then closed). The appeal stage shows only on a case that reached it.
PROGRESS_STAGES = ("acknowledgement", "threshold", "review", "outcome", "monitoring", "appeal", "closed")
BPMN_NAME_TAGS = ("task", "Task", "Event", "Gateway", "subProcess", "callActivity")


def audience_of(user: User, case: Case) -> str:
    """Council staff of the case's council see the case file; anyone else who may see the case
    (``visible_case``) is a partner agency asked about it."""
    return STAFF if user.roles_in(case.council_id) & VIEW_ROLES else PARTNER


# --- the partner's part ----------------------------------------------------------------------


@dataclass(frozen=True)
class PartnerReport:
    report: str  # "<incident id>/<n>", as the records check names it (app/domain/bodies.py)
    agency: str
    reported_on: str | None
    method: str | None
    reference: str
    confirmed: bool | None  # the agency's own answer in its records check; None: not checked


@dataclass(frozen=True)
class PartnerIncident:
    id: str
    occurred_on: str | None
    description: str
    reports: list[PartnerReport]  # only those made to the partner's agency


@dataclass(frozen=True)
class PersonToFind:
    name: str
    address: str


@dataclass(frozen=True)
class ProgressStep:
    stage: str
    label: str
    state: str  # done, current or to_come


@dataclass(frozen=True)
class PartnerCase:
    id: int
    reference: str
    council: str  # the council's id (API.md), council_name for people
    council_name: str
    status: str
    stage: str
    stage_label: str
    agency: str
    agency_label: str
    victims: list[PersonToFind]
    incidents: list[PartnerIncident]
    open_tasks: list[CaseTask]  # the agency's own open tasks only
    progress: list[ProgressStep]
    audience: str = PARTNER


def partner_case(case: Case, agency: str, application: dict[str, Any]) -> PartnerCase:
    """``application``: the case's as the partner may see it (restrictions.application_for)."""
    incidents = _checked_incidents(case, application)
    return PartnerCase(
        id=case.id,
        reference=case.reference,
        council=case.council_id,
        council_name=councils.policy_for(case.council_id).name,
        status=case.status,
        stage=case.stage,
        stage_label=stage_label(case.stage),
        agency=agency,
        agency_label=agency_label(agency),
        victims=[
            PersonToFind(name=v.get("name") or "", address=v.get("address") or "")
            for v in application.get("victims") or []
        ],
        incidents=[
            PartnerIncident(
                id=ident,
                occurred_on=incident.get("occurred_on"),
                description=incident.get("description") or "",
                reports=[
                    PartnerReport(
                        report=bodies.report_key(ident, position),
                        agency=agency,
                        reported_on=report.get("reported_on"),
                        method=report.get("method"),
                        reference=report.get("reference") or "",
                        confirmed=report.get("confirmed"),
                    )
                    for position, report in enumerate(incident.get("reports") or [], start=1)
                    if report.get("agency") == agency
                ],
            )
            for ident, incident in incidents
        ],
        open_tasks=[t for t in case.tasks if t.status == TaskStatus.OPEN and t.agency == agency],
        progress=progress(case),
    )


def progress(case: Case) -> list[ProgressStep]:
    """The stages with done, current or to come: the partners' view instead of the diagram."""
    stages = [
        s
        for s in PROGRESS_STAGES
        if (s != "appeal" or case.stage == "appeal" or case.appeals)
        and (s != "monitoring" or case.stage == "monitoring" or case.action_plan)
    ]
    closed = case.status == "closed" or case.stage == "closed"
    current = "closed" if closed else case.stage
    at = stages.index(current) if current in stages else 0
    steps = []
    for index, stage in enumerate(stages):
        if closed or index < at:
            state = "done"
        elif index == at:
            state = "current"
        else:
            state = "to_come"
        steps.append(ProgressStep(stage=stage, label=stage_label(stage), state=state))
    return steps


def _checked_incidents(case: Case, application: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The application's incidents with each report's ``confirmed`` from the bodies' answers,
    each with its id as the records check names it."""
    # Each body's answers as soon as it gives them (its completed records check), before the
    # workflow gathers them all for the threshold evaluation; a later check of a body wins.
    checks = [
        {"agency": t.agency, "reports": (t.data or {}).get("reports") or []}
        for t in case.tasks
        if t.form_key == RECORDS_CHECK_FORM and t.status == TaskStatus.COMPLETED
    ]
    incidents = bodies.with_answers(application.get("incidents") or [], checks)
    return [(str(i.get("id") or n + 1), i) for n, i in enumerate(incidents)]


# --- the staff's case file -------------------------------------------------------------------


@dataclass(frozen=True)
class StaffCase:
    """Council staff see the whole case: the API dumps it as API.md's Case; the page lays out
    ``case_file(view)``. The application is the case's as this reader may see it: a person whose
    data is restricted is withheld from all but the case's officers and managers
    (app/services/restrictions.py), as are the letters written to them."""

    case: Case
    application: dict[str, Any]
    restricted: tuple[str, ...] = ()  # the people whose data is restricted (keys: "victim-1")
    # The recipients of the letters this reader may not open (those to a person withheld from them).
    withheld_recipients: frozenset[str] = frozenset()
    works_tasks: bool = True  # False: data protection staff, who see the case and work no task
    audience: str = STAFF

    def __getattr__(self, name: str) -> Any:
        return getattr(self.case, name)  # the rest is the case's own


def present(user: User, case: Case) -> StaffCase | PartnerCase:
    """The case as ``user`` may see it (the case already passed ``visible_case``)."""
    from app.services import restrictions

    application = restrictions.application_for(user, case)
    if audience_of(user, case) == STAFF:
        return StaffCase(
            case,
            application,
            tuple(sorted(restrictions.restricted_people(case))),
            restrictions.withheld_recipients(user, case),
            bool(user.roles_in(case.council_id) & CASE_ROLES),
        )
    return partner_case(case, user.agency or "", application)


@dataclass(frozen=True)
class Person:
    heading: str  # "Victim", "Victim 2", "Applicant"
    name: str
    organisation: str = ""
    relationship: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    vulnerable: bool | None = None  # victims only


@dataclass(frozen=True)
class ReportRow:
    agency: str  # label
    reported_on: str | None
    method: str  # label
    reporter: str
    reference: str
    confirmed: str  # "Confirmed", "No record: <why>", "Not checked yet"


@dataclass(frozen=True)
class IncidentRow:
    id: str
    occurred_on: str | None
    description: str
    reports: list[ReportRow]


@dataclass(frozen=True)
class ApplicationView:
    applied_by: str  # "The victim", "Someone on the victim's behalf"...
    received: str  # "online", "by e-mail"
    people: list[Person]
    consent: str
    summary: str
    incidents: list[IncidentRow]
    impact: str
    actions_taken: str
    outcome_sought: str
    special_circumstances: str
    other_information: str
    under_18_involved: bool
    discretionary: str


@dataclass(frozen=True)
class DeadlineRow:
    label: str
    due_on: date
    done_on: date | None
    status: str  # app.domain.deadlines.status_for_people: met, missed, pending, lodged or closed
    due: DueDate


@dataclass(frozen=True)
class TaskLink:
    id: int
    name: str
    stage: str
    href: str | None  # None: the reader cannot open it
    due: DueDate
    assignee: str  # staff: the assignee's e-mail or "Unclaimed"
    agency: str = ""  # a partner agency's task: which agency, in words


@dataclass(frozen=True)
class LetterRow:
    title: str
    recipient: str
    issued_on: date
    email: str  # whether and when it was e-mailed, in words
    html_href: str
    pdf_href: str


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    title: str
    detail: str
    actor: str  # who, in words: "By officer@council.gov.uk", "Automatically, when a time limit passed"


@dataclass(frozen=True)
class CaseFile:
    id: int
    reference: str
    council: str
    status: str
    stage: str
    process: str  # "Community Trigger: Derbyshire (version 3)"
    settings: str  # "Version 2, in force from 15 December 2026": the policy received under
    received_on: date
    clock_started_on: date | None
    application: ApplicationView
    restricted: list[str]  # "Victim 1": whose data is restricted (only officers and managers see it)
    anonymised: str | None  # "2 December 2026": when its personal data was removed
    deadlines: list[DeadlineRow]
    tasks: list[TaskLink]
    letters: list[LetterRow]
    timeline: list[TimelineEntry]
    challenge: str | None  # the open challenge window, e.g. "Appeal window: last day 12 January 2027"
    steps_done: list[str] = field(default_factory=list)  # the diagram's text alternative
    steps_open: list[str] = field(default_factory=list)


def settings_used(case) -> str:
    """Which version of the council's settings the case follows (issue 16), in words."""
    from app.services.council_settings import versions_of

    number = case.settings_version or 1
    version = next((v for v in versions_of(case.council_id) if v.number == number), None)
    if version is None:
        return "The councils file's (no version stored yet)"
    return f"Version {number}, in force from {govuk_date(version.effective_from)}: {version.reason}"


def case_file(view: StaffCase, letters: list[Document], today: date | None = None) -> CaseFile:
    """Everything on the staff case page, in people's words (dates stay dates: the page writes
    them in the GOV.UK style)."""
    from app.web.due_dates import describe_due_date  # app.web imports this module: imported late

    case = view.case
    policy = councils.policy_for(case.council_id)
    today = today or clock.today()
    names = element_names(case.process_version.xml)
    state = diagram_state(case, staff=True)
    return CaseFile(
        id=case.id,
        reference=case.reference,
        council=policy.name,
        status=in_words(case.status),
        stage=stage_label(case.stage),
        process=f"{process_title(case.process_version.xml, case.process_version.process_key)} "
        f"(version {case.process_version.number})",
        settings=settings_used(case),
        received_on=case.received_on,
        clock_started_on=case.clock_started_on,
        application=application_view(case, view.application),
        restricted=[person_heading(key) for key in view.restricted],
        anonymised=govuk_date(case.anonymised_at) if case.anonymised_at else None,
        deadlines=[
            DeadlineRow(
                label=d.label,
                due_on=d.due_on,
                done_on=d.done_on,
                status=status_for_people(d.key, d.due_on, d.done_on, today),
                due=describe_due_date(d.due_on, today, policy.calendar),
            )
            for d in case.deadlines
        ],
        tasks=task_links(
            case,
            [t for t in case.tasks if t.status == TaskStatus.OPEN],
            today,
            staff=True,
            linked=view.works_tasks,
        ),
        letters=[letter_row(d) for d in letters if d.recipient not in view.withheld_recipients],
        timeline=timeline(case),
        challenge=challenge_window(case),
        steps_done=[names.get(e, in_words(e)) for e in state["completed"]],
        steps_open=[names.get(e, in_words(e)) for e in state["current"]],
    )


def challenge_window(case: Case) -> str | None:
    """The challenge window the case has open, e.g. "Appeal window: last day 12 January 2027"."""
    window = open_window(case)
    return f"{window.label}: last day {_long(window.due_on)}" if window else None


def task_links(
    case: Case, tasks: list[CaseTask], today: date, *, staff: bool, linked: bool = True
) -> list[TaskLink]:
    """``linked``: the reader may open the tasks (data protection staff see a case's tasks, and
    work none: app/services/tasks.py)."""
    from app.web.due_dates import describe_due_date

    calendar = councils.policy_for(case.council_id).calendar
    return [
        TaskLink(
            id=t.id,
            name=t.name,
            stage=stage_label(t.stage),
            href=f"/tasks/{t.id}" if linked else None,
            due=describe_due_date(t.due_on, today, calendar),
            assignee=(t.assignee.email if t.assignee else "Unclaimed") if staff else "",
            agency=agency_label(t.agency) if staff and t.agency else "",
        )
        for t in tasks
    ]


def application_view(case: Case, application: dict[str, Any]) -> ApplicationView:
    """``application``: the case's as the reader may see it (restrictions.application_for)."""
    kind = application.get("applicant_type") or ""
    people = []
    victims = application.get("victims") or []
    for n, victim in enumerate(victims, start=1):
        people.append(
            Person(
                heading="Victim" if len(victims) == 1 else f"Victim {n}",
                name=victim.get("name") or "",
                email=victim.get("email") or "",
                phone=victim.get("phone") or "",
                address=victim.get("address") or "",
                vulnerable=None if victim.get("restricted") else bool(victim.get("vulnerable")),
            )
        )
    applicant = application.get("applicant") or {}
    if kind != "victim" and applicant:
        people.insert(
            0,
            Person(
                heading="Applicant",
                name=applicant.get("name") or "",
                organisation=applicant.get("organisation") or "",
                relationship=applicant.get("relationship_to_victim") or "",
                email=applicant.get("email") or "",
                phone=applicant.get("phone") or "",
                address=applicant.get("address") or "",
            ),
        )
    discretionary = application.get("discretionary") or {}
    return ApplicationView(
        applied_by=applicant_type_label(kind),
        received=channel_phrase(application.get("channel")),
        people=people,
        consent=_consent(application),
        summary=application.get("summary") or "",
        incidents=[
            IncidentRow(
                id=ident,
                occurred_on=incident.get("occurred_on"),
                description=incident.get("description") or "",
                reports=[_report_row(r) for r in incident.get("reports") or []],
            )
            for ident, incident in _checked_incidents(case, application)
        ],
        impact=application.get("impact") or "",
        actions_taken=application.get("actions_taken") or "",
        outcome_sought=application.get("outcome_sought") or "",
        special_circumstances=application.get("special_circumstances") or "",
        other_information=application.get("other_information") or "",
        under_18_involved=bool(application.get("under_18_involved")),
        discretionary=", ".join(
            part
            for part in (discretionary.get("by"), discretionary.get("role"), discretionary.get("reason"))
            if part
        ),
    )


def _consent(application: dict[str, Any]) -> str:
    if application.get("applicant_type") == "victim":
        return "Not needed: the victim applied"
    consent = application.get("consent") or {}
    if not consent.get("given"):
        return "Not given yet"
    words = consent_evidence_label(consent.get("evidence")) or "Given"
    received = consent.get("received_on")
    return f"{words}, received {_long(date.fromisoformat(received))}" if received else words


def _report_row(report: dict[str, Any]) -> ReportRow:
    confirmed = report.get("confirmed")
    if confirmed is True:
        words = "Confirmed"
    elif confirmed is False:
        why = (report.get("not_confirmed") or "").strip()
        words = f"No record: {why}" if why else "No record"
    else:
        words = "Not checked yet"
    return ReportRow(
        agency=agency_label(report.get("agency")),
        reported_on=report.get("reported_on"),
        method=method_label(report.get("method")),
        reporter=report.get("reporter") or "",
        reference=report.get("reference") or "",
        confirmed=words,
    )


def letter_row(document: Document) -> LetterRow:
    return LetterRow(
        title=document.title,
        recipient=recipient_label(document.recipient),
        issued_on=document.issued_on,
        email=email_state(document),
        html_href=f"/documents/{document.id}",
        pdf_href=f"/documents/{document.id}.pdf",
    )


def email_state(document: Document) -> str:
    """Whether and when the letter was e-mailed (the outbox columns, app/models/document.py)."""
    status = document.email_status
    if document.email_to is None and status in (EmailStatus.SENT, EmailStatus.PENDING, EmailStatus.FAILED):
        return _post_state(document)  # a council sending through GOV.UK Notify posts it
    if status == EmailStatus.SENT:
        when = _long_time(document.email_sent_at) if document.email_sent_at else "a date not recorded"
        return f"E-mailed to {document.email_to} on {when}"
    if status == EmailStatus.PENDING:
        return f"Waiting to be e-mailed to {document.email_to}"
    if status == EmailStatus.FAILED:
        if document.email_next_attempt_at is not None:
            return f"Not e-mailed yet: trying again on {_long_time(document.email_next_attempt_at)}"
        return "Not e-mailed: sending failed, send it by post"
    if status == EmailStatus.NO_ADDRESS:
        return "Not e-mailed: no e-mail address, send it by post"
    return "Not e-mailed: no mail server was set up, send it by post"


def _post_state(document: Document) -> str:
    status = document.email_status
    if status == EmailStatus.SENT:
        when = _long_time(document.email_sent_at) if document.email_sent_at else "a date not recorded"
        return f"Sent by post through GOV.UK Notify on {when}"
    if status == EmailStatus.PENDING:
        return "Waiting to be sent by post through GOV.UK Notify"
    if document.email_next_attempt_at is not None:
        return f"Not sent by post yet: trying again on {_long_time(document.email_next_attempt_at)}"
    return "Not sent through GOV.UK Notify: sending failed, post it by hand"


def timeline(case: Case) -> list[TimelineEntry]:
    """The history in plain words, oldest first."""
    channel = channel_phrase((case.application or {}).get("channel"))
    entries = [
        _timeline_entry(h.at, h.event, h.detail or "", _actor(h.actor), channel)
        for h in case.history
        # "received" repeats the case's opening ("Application received online").
        if not (h.event == "milestone" and h.detail == "received")
    ]
    return sorted(entries, key=lambda e: e.at)


# The product's own actors (app/services/timers.py SWEEP_ACTOR, app/services/mail.py MAILER_ACTOR,
# app/public/apply.py ACTOR), in words; anyone else is a signed-in user, named by their e-mail.
SYSTEM_ACTORS = {
    "timer": "Automatically, when a time limit passed",
    "mailer": "By the e-mail service",
    "public application": "By the applicant, on the online form",
}


def _actor(actor: str) -> str:
    return SYSTEM_ACTORS.get(actor) or f"By {actor}"


def _timeline_entry(at: datetime, event: str, detail: str, actor: str, channel: str) -> TimelineEntry:
    if event == "case_opened":
        return TimelineEntry(at, f"Application received {channel}", "", actor)
    if event == "milestone":
        return TimelineEntry(at, milestone_label(detail.replace(" ", "_")), "", actor)
    if event == "task_completed":
        return TimelineEntry(at, f"Done: {detail}", "", actor)
    if event == "records_check":
        asked = [a.strip().replace(" ", "_") for a in detail.split(":", 1)[-1].split(",") if a.strip()]
        return TimelineEntry(at, "Application passed to the relevant bodies", _listed(asked), actor)
    titles = {
        "threshold_evaluated": "Threshold checked",
        "letter_due": "Letter written",
        "letter_emailed": "Letter e-mailed",
        "letter_email_failed": "Letter not e-mailed",
        "letter_posted": "Letter sent by post",
        "letter_post_failed": "Letter not sent by post",
        "escalated": "Escalated",
        "case_reopened": "Case reopened",
        "due_date_moved": "Due date moved by a change of closure days",
    }
    return TimelineEntry(at, titles.get(event) or in_words(event), detail, actor)


def _listed(agencies: list[str]) -> str:
    """ "The council, the police and a housing provider (landlord)"."""
    names = [agency_label(a) for a in agencies]
    names = names[:1] + [
        n[0].lower() + n[1:] if n.split(" ", 1)[0] in ("The", "A", "Another") else n for n in names[1:]
    ]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}" if names else ""


def _long(value: date) -> str:
    return format_date(value)


def _long_time(value: datetime) -> str:
    return govuk_date(value)


# --- the diagram ------------------------------------------------------------------------------


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
            names[node.get("id")] = " ".join((node.get("name") or "").split()) or in_words(node.get("id"))
    return names


def process_title(xml: str, fallback_key: str) -> str:
    """The process's title (its ``name`` in the diagram), or its key in words when it has none."""
    try:
        root = safe_fromstring(xml.encode())
    except ParseError:
        return in_words(fallback_key)
    for node in root.iter():
        if node.tag.rsplit("}", 1)[-1] == "process" and (node.get("name") or "").strip():
            return " ".join(node.get("name").split())
    return in_words(fallback_key)


def diagram_state(case: Case, staff: bool) -> dict[str, list[str]]:
    """Completed user tasks and reached milestones, and the open tasks, as diagram element ids.
    Only staff see the diagram; a partner gets ``progress`` instead."""
    current = list(dict.fromkeys(t.element for t in case.tasks if t.status == TaskStatus.OPEN))
    if not staff:
        return {"completed": [], "current": []}
    done = [t.element for t in case.tasks if t.status == TaskStatus.COMPLETED]
    done += [m.element for m in case.milestones]
    completed = [e for e in dict.fromkeys(done) if e and e not in current]
    return {"completed": completed, "current": current}
