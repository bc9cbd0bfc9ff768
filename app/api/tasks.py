from flask import g

from app.api import api_bp
from app.api.cases import case_response
from app.api.inputs import json_body, load_body, load_query
from app.presenters.task_detail import task_detail
from app.schemas.tasks import AssignSchema, InboxQuerySchema, TaskDetailSchema, TaskPageSchema, TaskSchema
from app.services import access_log, tasks

inbox_query_schema = InboxQuerySchema()
task_page_schema = TaskPageSchema()
task_schema = TaskSchema()
task_detail_schema = TaskDetailSchema()
assign_schema = AssignSchema()


@api_bp.get("/tasks")
def list_tasks():
    """The inbox: open tasks, overdue first, then by due date.
    ---
    get:
      tags: [tasks]
      parameters:
        - {in: query, name: scope, schema: {type: string, enum: [mine, team, all], default: mine},
           description: "mine: mine and unclaimed tasks of my roles; team: all of my roles' tasks; all: every task I may see"}
        - {in: query, name: council, schema: {type: string}}
        - {in: query, name: overdue, schema: {type: boolean}}
        - {in: query, name: escalated, schema: {type: boolean},
           description: "only the tasks whose escalation reached me: to a role I hold, or as a partner manager to my agency; whoever holds them (scope is then ignored)"}
        - {in: query, name: page, schema: {type: integer, minimum: 1}}
        - {in: query, name: per_page, schema: {type: integer, minimum: 1, maximum: 100}}
      responses:
        200: {description: A page of tasks, content: {application/json: {schema: TaskPageSchema}}}
        422: Bad filters
    """
    query = load_query(inbox_query_schema)
    items, total = tasks.inbox(
        g.user,
        scope=query["scope"],
        council=query.get("council"),
        overdue=query["overdue"],
        escalated=query["escalated"],
        page=query["page"],
        per_page=query["per_page"],
    )
    return task_page_schema.dump(
        {"items": items, "page": query["page"], "per_page": query["per_page"], "total": total}
    )


@api_bp.get("/tasks/<int:task_id>")
def get_task(task_id: int):
    """One task, with its form as JSON Schema under `form`.
    ---
    get:
      tags: [tasks]
      responses:
        200: {description: The task, content: {application/json: {schema: TaskDetailSchema}}}
        404: No such task among those the caller may see
    """
    task = tasks.visible_task(g.user, task_id)
    access_log.record_task_access(g.user, task)
    return task_detail_schema.dump(task_detail(g.user, task))


@api_bp.post("/tasks/<int:task_id>/claim")
def claim_task(task_id: int):
    """Claim a task.
    ---
    post:
      tags: [tasks]
      responses:
        200: {description: "The task, now the caller's", content: {application/json: {schema: TaskSchema}}}
        403: Not the caller's role
        404: No such task
        409: "Claimed by someone else, or no longer open"
    """
    return task_schema.dump(tasks.claim_task(g.user, task_id))


@api_bp.post("/tasks/<int:task_id>/unclaim")
def unclaim_task(task_id: int):
    """Give a task back to the team.
    ---
    post:
      tags: [tasks]
      responses:
        200: {description: "The task, unclaimed", content: {application/json: {schema: TaskSchema}}}
        403: Not the caller's role
        404: No such task
        409: "Claimed by someone else, or no longer open"
    """
    return task_schema.dump(tasks.unclaim_task(g.user, task_id))


@api_bp.post("/tasks/<int:task_id>/complete")
def complete_task(task_id: int):
    """Complete a task with its form's data.
    ---
    post:
      tags: [tasks]
      requestBody:
        required: true
        content:
          application/json: {schema: {type: object, description: "the form's fields (see the task's form)"}}
      responses:
        200:
          description: "The updated case as the caller may see it: a partner agency gets its part only"
          content:
            application/json:
              schema: {anyOf: [CaseSchema, PartnerCaseSchema]}
        403: Not the caller's role
        404: No such task
        409: "The task is no longer open, is claimed by someone else, or the case changed"
        422: "Field errors; among them a threshold decision of not met where the agencies' confirmed records meet the threshold by qualifying complaints (on threshold_met, s.104(4))"
    """
    task = tasks.visible_task(g.user, task_id, whole_case=True)  # 404 before reading the body
    case = tasks.complete_task(g.user, task, json_body())
    return case_response(case)


@api_bp.post("/tasks/<int:task_id>/assign")
def assign_task(task_id: int):
    """A manager gives an open task to a member of its role at the task's council, or reassigns it.
    ---
    post:
      tags: [tasks]
      requestBody:
        required: true
        content:
          application/json: {schema: AssignSchema}
      responses:
        200: {description: "The task, now the given user's; the case history records the assignment", content: {application/json: {schema: TaskSchema}}}
        400: Malformed JSON
        401: Not signed in
        403: The caller is not a manager of the task's council
        404: No such task among those the caller may see
        409: The task is no longer open
        422: "A malformed body, or a user who does not work the task's role at its council (on user)"
    """
    task = tasks.visible_task(g.user, task_id)  # 404 before reading the body
    tasks.check_may_assign(g.user, task)
    body = load_body(assign_schema)
    return task_schema.dump(tasks.assign_task(g.user, task.id, body["user"]))
