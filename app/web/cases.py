"""The case page: for council staff the case file, for a partner agency its part of the case.

What each audience sees is decided in app/presenters/case_file.py (``present``), the same place
the API's case is chosen, never in the templates. Staff get the application, the dates and
deadlines, the letters, the timeline, the open tasks and the diagram; a partner agency asked
about the case gets the victims' names and addresses, the incidents with its own reports, the
stage, a progress view of the stages and its own tasks. The diagram (and its XML and state) is
for staff only.
"""

from __future__ import annotations

from flask import Response, abort, flash, g, jsonify, redirect, render_template, request, url_for
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from app import clock
from app.models import Case
from app.presenters import case_file
from app.presenters.data_protection import data_protection_actions
from app.schemas.cases import AppealRequestSchema
from app.services import access_log
from app.services import cases as case_service
from app.services import documents as document_service
from app.services.cases import CaseNotFound, visible_case
from app.store import cases as case_store
from app.store import documents as document_store
from app.web import web_bp
from app.web.files import diagram_download
from app.web.task_form import build_fields, error_list, page_errors, read_body

# A case's letters listed on its page: every one a case can have, many times over.
MAX_LETTERS_SHOWN = 200


def _is_staff(user, case: Case) -> bool:
    return case_file.audience_of(user, case) == case_file.STAFF


def _visible(case_id: int) -> Case:
    try:
        return visible_case(g.user, case_id)
    except CaseNotFound:
        abort(404)


def _staff_case(case_id: int) -> Case:
    """A case whose internals (diagram, appeals) only its council's staff may see; 404 for
    anyone else, as for a case they cannot see at all."""
    case = _visible(case_id)
    if not _is_staff(g.user, case):
        abort(404)
    return case


@web_bp.get("/cases/<int:case_id>")
def case_page(case_id: int):
    case = _visible(case_id)
    view = case_file.present(g.user, case)
    access_log.record_case_access(g.user, case.id, case.council_id)
    if isinstance(view, case_file.PartnerCase):
        tasks = case_file.task_links(case, view.open_tasks, clock.today(), staff=False)
        return render_template("web/case_partner.html", case=view, tasks=tasks)
    letters = case_store.page_of(document_store.documents_of_case_query(case.id), 1, MAX_LETTERS_SHOWN)[0]
    return render_template(
        "web/case.html",
        case=case_file.case_file(view, letters),
        data_protection=data_protection_actions(g.user, case),
        access_log_href=url_for("web.access_log_page", case_id=case.id)
        if access_log.may_read(g.user, case)
        else None,
    )


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
        window=case_file.challenge_window(case),
        schema=APPEAL_FORM,
        fields=build_fields(APPEAL_FORM, form, errors),
        errors=error_list(APPEAL_FORM, errors, form),
        conflict=conflict,
    ), status


@web_bp.get("/cases/<int:case_id>/diagram.xml")
def case_diagram(case_id: int):
    """The diagram of the process version this case runs (not the council's newest one); staff
    only (partners get the progress view)."""
    case = _staff_case(case_id)
    version = case.process_version
    return diagram_download(version.xml, version.process_key, version.number)


@web_bp.get("/cases/<int:case_id>/diagram-state.json")
def case_diagram_state(case_id: int):
    return jsonify(case_file.diagram_state(_staff_case(case_id), staff=True))


def _document(document_id: int):
    try:
        document = document_service.visible_document(g.user, document_id)
    except document_service.DocumentNotFound:
        abort(404)
    access_log.record_document_access(g.user, document)
    return document


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
