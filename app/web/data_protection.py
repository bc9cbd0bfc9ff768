"""The data protection staff's pages on a case (issue 17): anonymise a closed case (a confirmation
step with the reason) and restrict or lift the restriction of a person's data on an open one,
through the same services as the API (app/services/anonymise.py, restrictions.py)."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, g, redirect, render_template, request, url_for
from marshmallow import ValidationError

from app.domain.case_people import person_with_key
from app.domain.restriction import person_heading
from app.schemas.data_protection import AnonymiseRequestSchema
from app.services import access_log, anonymise, restrictions
from app.services.cases import CaseConflict, CaseForbidden, CaseNotFound, visible_case
from app.web import web_bp
from app.web.forms import form_errors

_REASON = AnonymiseRequestSchema()  # the same check of the reason as the API's


def _case(case_id: int, check) -> object:
    try:
        case = visible_case(g.user, case_id)
        check(g.user, case)
    except CaseNotFound:
        abort(404)
    except CaseForbidden:
        abort(403)
    return case


def _record_access(case, target: str = "") -> None:
    # Both pages show the case's personal data (the person's details, the case summary), so
    # they are in its access log as the case page is (issue 17).
    access_log.record_case_access(g.user, case.id, case.council_id, target=target)


def _submitted(action: Callable[[str], None], done: str, case_id: int):
    """A POST of a reason form: ``action(reason)`` when the reason is good, then back to the case
    with ``done`` said; else the errors (422: no reason; 409: the case's state refuses it)."""
    reason = request.form.get("reason", "")
    try:
        reason = _REASON.load({"reason": reason})["reason"]
    except ValidationError as exc:
        message = "Enter why" if not reason.strip() else " ".join(exc.messages["reason"])
        return None, reason, {"reason": message}, 422
    try:
        action(reason)
    except CaseConflict as exc:
        return None, reason, {"reason": str(exc)}, 409
    flash(done, "success")
    return redirect(url_for("web.case_page", case_id=case_id)), reason, {}, 200


@web_bp.route("/cases/<int:case_id>/anonymise", methods=["GET", "POST"])
def anonymise_page(case_id: int):
    case = _case(case_id, anonymise.check_may_anonymise)
    _record_access(case)
    reason, errors, status = "", {}, 200
    if request.method == "POST":
        done, reason, errors, status = _submitted(
            lambda why: anonymise.anonymise_on_request(g.user, case.id, why),
            f"Case {case.reference} is anonymised: its personal data was removed.",
            case.id,
        )
        if done is not None:
            return done
    return render_template("web/anonymise.html", case=case, reason=reason, **form_errors(errors)), status


@web_bp.route("/cases/<int:case_id>/restriction/<person>", methods=["GET", "POST"])
def restriction_page(case_id: int, person: str):
    case = _case(case_id, restrictions.check_may_restrict)
    found = person_with_key(case.application or {}, person)
    if found is None:
        abort(404)
    _record_access(case, target=f"person {person}")
    restricted = person in restrictions.restricted_people(case)
    reason, errors, status = "", {}, 200
    if request.method == "POST":
        now = "no longer restricted" if restricted else "restricted"
        done, reason, errors, status = _submitted(
            lambda why: restrictions.set_restriction(g.user, case.id, person, not restricted, why),
            f"The data of {person_heading(person).lower()} is {now}.",
            case.id,
        )
        if done is not None:
            return done
    return render_template(
        "web/restriction.html",
        case=case,
        person=found,
        heading=person_heading(person),
        restricted=restricted,
        reason=reason,
        **form_errors(errors),
    ), status
