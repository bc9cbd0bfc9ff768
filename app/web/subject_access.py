"""Subject access pages for data protection staff (issue 17): find a person across the council's
cases, see where they appear, and download the export (JSON, or a ZIP with the letters as PDF).
The same services and the same download as the API (app/api/subject_access.py)."""

from __future__ import annotations

from flask import abort, g, render_template, request, url_for

from app.presenters.subject_access import export_response
from app.services import councils as council_service
from app.services import subject_access
from app.services.subject_access import SubjectQueryError
from app.web import web_bp
from app.web.pagination import page_number, pagination

PER_PAGE = 25
FORMATS = {"json": False, "zip": True}
# The service's refusals of a search, as the page's error message says them (GOV.UK style).
SEARCH_ERRORS = {
    "missing": "Enter a name, an e-mail address or a postcode",
    "too_short": f"Enter at least {subject_access.MIN_QUERY_CHARACTERS} characters",
    "too_long": f"Enter {subject_access.MAX_QUERY_CHARACTERS} characters or fewer",
    "nothing_to_search": "Enter letters or digits of a name, an e-mail address or a postcode",
}


@web_bp.get("/subject-access")
def subject_access_search():
    scope = subject_access.subject_access_councils(g.user)  # 403 page without the role
    q = request.args.get("q", "")
    council = request.args.get("council") or None
    error = None
    results, total, page = [], 0, page_number()
    if "q" in request.args:
        try:
            found = subject_access.search_people(g.user, q, council)
        except SubjectQueryError as exc:
            error = SEARCH_ERRORS[exc.problem]
        else:
            total = len(found)
            results = found[(page - 1) * PER_PAGE : page * PER_PAGE]
            subject_access.record_search_results(g.user, results)
    return render_template(
        "web/subject_access.html",
        q=q,
        error=error,
        councils=[
            {"value": "", "text": "All my councils"},
            *(
                {"value": c.id, "text": c.name, "selected": c.id == council}
                for c in council_service.councils_visible_to(g.user)
                if c.id in scope
            ),
        ]
        if len(scope) > 1
        else [],  # fmt: skip
        searched="q" in request.args and error is None,
        rows=[_row(a) for a in results],
        total=total,
        pagination=pagination("web.subject_access_search", page, total, PER_PAGE),
    )


def _row(appearance: subject_access.Appearance) -> dict:
    person = appearance.person
    target = {"email": person.email} if person.email else {"case_person": appearance.id}
    return {
        "name": person.name or "Not given",
        "email": person.email,
        "reference": appearance.case.reference,
        "capacity": person.capacity(),
        "export_href": url_for("web.subject_access_export", **target),
    }


def _whom() -> dict[str, str]:
    return {k: request.args[k] for k in ("email", "case_person") if k in request.args}


@web_bp.get("/subject-access/export")
def subject_access_export():
    """What an export will hold, and its downloads."""
    whom = _whom()
    try:
        found = subject_access.appearances_of(g.user, **whom)
    except SubjectQueryError:
        abort(404)
    subject_access.record_search_results(g.user, found)
    return render_template(
        "web/subject_access_export.html",
        whom=whom.get("email")
        or next((a.person.name for a in found if a.person.name), whom.get("case_person")),
        rows=[
            {
                "reference": a.case.reference,
                "capacity": a.person.capacity(),
                "name": a.person.name or "Not given",
            }
            for a in found
        ],  # fmt: skip
        json_href=url_for("web.subject_access_download", format="json", **whom),
        zip_href=url_for("web.subject_access_download", format="zip", **whom),
        search_href=url_for("web.subject_access_search"),
    )


@web_bp.get("/subject-access/export.<format>")
def subject_access_download(format: str):
    if format not in FORMATS:
        abort(404)
    try:
        export = subject_access.export_subject(g.user, letters_as_files=FORMATS[format], **_whom())
    except SubjectQueryError:
        abort(404)
    return export_response(export, as_zip=FORMATS[format], attachment=True)
