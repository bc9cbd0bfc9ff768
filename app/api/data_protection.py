"""A council's data protection staff on a case (issue 17): anonymise a closed case on request,
restrict a person's data on an open one."""

from __future__ import annotations

from flask import g

from app.api import api_bp
from app.api.cases import case_response
from app.api.inputs import load_body
from app.schemas.data_protection import AnonymiseRequestSchema, RestrictionRequestSchema, RestrictionsSchema
from app.services import anonymise, cases, restrictions

anonymise_request_schema = AnonymiseRequestSchema()
restriction_request_schema = RestrictionRequestSchema()
restrictions_schema = RestrictionsSchema()


@api_bp.post("/cases/<int:case_id>/anonymise")
def anonymise_case(case_id: int):
    """Replace the personal data of a closed case, on an erasure request: names, contact details,
    addresses, free text, task answers, history details and letter bodies; dates, deadlines,
    milestones, figures and the diagram's path stay. Anonymising an anonymised case changes
    nothing (200 again).
    ---
    post:
      tags: [data protection]
      requestBody:
        required: true
        content:
          application/json: {schema: AnonymiseRequestSchema}
      responses:
        200: {description: "The case, anonymised (anonymised_at set)", content: {application/json: {schema: CaseSchema}}}
        403: Only the data protection staff of the case's council anonymise it
        404: No such case among those the caller may see
        409: "The case is open (only a closed case can be anonymised), or one of its letters is still being sent"
        422: The reason is missing or too long
    """
    case = cases.visible_case(g.user, case_id)  # 404 before reading the body
    anonymise.check_may_anonymise(g.user, case)
    body = load_body(anonymise_request_schema)
    done = anonymise.anonymise_on_request(g.user, case.id, body["reason"])
    return case_response(done.case)


@api_bp.post("/cases/<int:case_id>/restriction")
def restrict_person(case_id: int):
    """Restrict (or lift the restriction of) one person's data on an open case, on their request:
    while restricted, only the case's officers and managers (and data protection staff) see it;
    panel chairs, appeal bodies, process owners, admins and partner agencies see it withheld, in
    the case, its tasks and its letters. Setting it as it is already changes nothing.
    ---
    post:
      tags: [data protection]
      requestBody:
        required: true
        content:
          application/json: {schema: RestrictionRequestSchema}
      responses:
        200: {description: "The case's restrictions", content: {application/json: {schema: RestrictionsSchema}}}
        403: Only the data protection staff of the case's council restrict data
        404: No such case among those the caller may see
        409: "The case is closed (anonymise it instead)"
        422: "The person, restricted or reason is missing or wrong (a person the case does not have is named with the case's people)"
    """
    restrictions.check_may_restrict(g.user, cases.visible_case(g.user, case_id))  # before the body
    body = load_body(restriction_request_schema)
    case = restrictions.set_restriction(g.user, case_id, body["person"], body["restricted"], body["reason"])
    return restrictions_schema.dump(
        {
            "case": case.id,
            "restricted": sorted(restrictions.restricted_people(case)),
            "history": case.restrictions,
        }
    )
