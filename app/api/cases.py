from flask import g

from app.api import api_bp
from app.api.inputs import load_body, load_query
from app.domain.actions import ActionNotFound
from app.errors import ApiError, NotFound
from app.presenters import case_file
from app.schemas.actions import ActionPlanSchema, CloseActionSchema
from app.schemas.cases import (
    AppealRequestSchema,
    ApplicationSchema,
    CasePageSchema,
    CaseQuerySchema,
    CaseSchema,
    PartnerCasePageSchema,
    PartnerCaseSchema,
)
from app.services import access_log, actions, cases, councils
from app.services.cases import CREATE_ROLES

application_schema = ApplicationSchema()
case_schema = CaseSchema()
case_page_schema = CasePageSchema()
partner_case_schema = PartnerCaseSchema()
partner_case_page_schema = PartnerCasePageSchema()
case_query_schema = CaseQuerySchema()
appeal_request_schema = AppealRequestSchema()
action_plan_schema = ActionPlanSchema()
close_action_schema = CloseActionSchema()


@api_bp.post("/councils/<council_id>/cases")
def create_case(council_id: str):
    """Open a case from an application.
    ---
    post:
      tags: [cases]
      parameters:
        - {in: path, name: council_id, required: true, schema: {type: string}, example: derby-city}
      requestBody:
        required: true
        content:
          application/json: {schema: ApplicationSchema}
      responses:
        201: {description: The new case, content: {application/json: {schema: CaseSchema}}}
        400: Malformed JSON
        403: The caller's role cannot open cases
        404: No such council among the caller's
        422: Invalid application
    """
    if councils.visible_council(g.user, council_id) is None:
        raise NotFound("council")
    if not g.user.roles_in(council_id) & CREATE_ROLES:
        raise ApiError(403, "Only community safety officers and managers open cases.", "forbidden")
    application = load_body(application_schema)
    case = cases.open_case(council_id, application, actor=g.user.email)
    return case_response(case), 201


@api_bp.get("/cases")
def list_cases():
    """Cases the caller may see.
    ---
    get:
      tags: [cases]
      parameters:
        - {in: query, name: council, schema: {type: string}}
        - {in: query, name: status, schema: {type: string, enum: [open, closed]}}
        - {in: query, name: stage, schema: {type: string}}
        - {in: query, name: overdue, schema: {type: boolean}}
        - {in: query, name: q, schema: {type: string, maxLength: 200}, description: "reference, name, e-mail or postcode; each word begins one of them"}
        - {in: query, name: county, schema: {type: string}, description: "the cases of this county's councils"}
        - {in: query, name: figure, schema: {type: string, enum: [deadline_met, deadline_missed, overdue_task_role, overdue_task_agency, milestone, action]}, description: "the cases one figure of GET /reports/dashboard counted; with key"}
        - {in: query, name: key, schema: {type: string}, description: "the figure's deadline, role, agency or milestone; for action: open, overdue, done_on_time, done_late or closed_undone"}
        - {in: query, name: from, schema: {type: string, format: date}, description: "with figure: first day of its period (default twelve months back)"}
        - {in: query, name: to, schema: {type: string, format: date}, description: "with figure: last day of its period (default today)"}
        - {in: query, name: page, schema: {type: integer, minimum: 1}}
        - {in: query, name: per_page, schema: {type: integer, minimum: 1, maximum: 100}}
      responses:
        200:
          description: "A page of cases; a partner agency's list holds only its part of each (reference, council, status, stage)"
          content:
            application/json:
              schema: {anyOf: [CasePageSchema, PartnerCasePageSchema]}
        422: Bad filters
    """
    query = load_query(case_query_schema)
    items, total = cases.list_cases(
        g.user,
        council=query.get("council"),
        status=query.get("status"),
        stage=query.get("stage"),
        overdue=query["overdue"],
        q=query.get("q"),
        page=query["page"],
        per_page=query["per_page"],
        county=query.get("county"),
        figure=query.get("figure"),
    )
    page = {"items": items, "page": query["page"], "per_page": query["per_page"], "total": total}
    if cases.staff_councils(g.user):
        return case_page_schema.dump(page)
    return partner_case_page_schema.dump(page)


@api_bp.get("/cases/<int:case_id>")
def get_case(case_id: int):
    """One case: for council staff the whole case (application, deadlines, milestones, open tasks,
    threshold and history); for a partner agency its part only.
    ---
    get:
      tags: [cases]
      responses:
        200:
          description: "The case as the caller may see it: audience staff (CaseSchema) or partner (PartnerCaseSchema)"
          content:
            application/json:
              schema: {anyOf: [CaseSchema, PartnerCaseSchema]}
        404: No such case among those the caller may see
    """
    return case_response(cases.visible_case(g.user, case_id))


def case_response(case) -> dict:
    """The case as the signed-in caller may see it (app/presenters/case_file.py): the API and the
    case page choose the fields in the same place."""
    view = case_file.present(g.user, case)
    access_log.record_case_access(g.user, case.id, case.council_id)
    if isinstance(view, case_file.StaffCase):
        return case_schema.dump(view)
    return partner_case_schema.dump(view)


@api_bp.post("/cases/<int:case_id>/appeals")
def lodge_appeal(case_id: int):
    """Ask for a review of a "threshold not met" decision, or appeal the outcome.
    ---
    post:
      tags: [cases]
      requestBody:
        required: true
        content:
          application/json: {schema: AppealRequestSchema}
      responses:
        201: {description: The case with the appeal, content: {application/json: {schema: CaseSchema}}}
        404: No such case
        409: "No appeal can be made at this stage, or it was received after the window's last day (named). One received in the window reopens a case the window's timer closed."
        422: Invalid fields
    """
    case = cases.visible_case(g.user, case_id)  # 404 before reading the body
    body = load_body(appeal_request_schema)
    case = cases.lodge_appeal(g.user, case, body["received_on"], body["grounds"])
    return case_response(case), 201


@api_bp.get("/cases/<int:case_id>/actions")
def list_actions(case_id: int):
    """The case's action plan: each recommendation of the case review as an action, and how it
    stands. Council staff see every action; a partner agency the actions its agency owns.
    ---
    get:
      tags: [cases]
      responses:
        200: {description: The action plan (empty before the case review), content: {application/json: {schema: ActionPlanSchema}}}
    """
    case = cases.visible_case(g.user, case_id)
    access_log.record_case_access(g.user, case.id, case.council_id, target="action plan")
    return action_plan_schema.dump({"case": case.id, "items": actions.plan_for(g.user, case)})


@api_bp.post("/cases/<int:case_id>/actions/<int:action_id>/close")
def close_action(case_id: int, action_id: int):
    """A manager closes an action that will not be done, with a reason the victim sees; the
    action's open report task is completed as closed.
    ---
    post:
      tags: [cases]
      requestBody:
        required: true
        content:
          application/json: {schema: CloseActionSchema}
      responses:
        200: {description: The action plan after the closure, content: {application/json: {schema: ActionPlanSchema}}}
        403: Only a community safety manager of the case's council closes an action
        409: The action is done or closed already
    """
    case = cases.visible_case(g.user, case_id)  # 404 before reading the body
    body = load_body(close_action_schema)
    try:
        case = actions.close_action(g.user, case, action_id, body["reason"])
    except ActionNotFound:
        raise NotFound("action") from None
    return action_plan_schema.dump({"case": case.id, "items": actions.plan_for(g.user, case)})
