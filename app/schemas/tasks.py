from marshmallow import Schema, fields, validate

from app import clock
from app.schemas.common import BaseSchema, PageQuerySchema, PageSchema


class InboxQuerySchema(PageQuerySchema):
    scope = fields.String(load_default="mine", validate=validate.OneOf(["mine", "team", "all"]))
    council = fields.String(validate=validate.Length(max=64))
    overdue = fields.Boolean(load_default=False, truthy={"true", "1"}, falsy={"false", "0"})
    escalated = fields.Boolean(load_default=False, truthy={"true", "1"}, falsy={"false", "0"})


def is_overdue(task) -> bool:
    return task.status == "open" and task.due_on is not None and task.due_on < clock.today()


class TaskSchema(Schema):
    id = fields.Integer()
    case_id = fields.Integer()
    case_reference = fields.Function(lambda t: t.case.reference)
    council = fields.String(attribute="council_id")
    form = fields.String(attribute="form_key", metadata={"description": "the form key"})
    name = fields.String()
    role = fields.String()
    agency = fields.String(allow_none=True)
    stage = fields.String()
    assignee = fields.Function(lambda t: t.assignee.email if t.assignee else None)
    status = fields.String(metadata={"enum": ["open", "completed", "cancelled"]})
    created_at = fields.AwareDateTime(format="iso")
    completed_at = fields.AwareDateTime(format="iso", allow_none=True)
    due_on = fields.Date(allow_none=True)
    overdue = fields.Function(is_overdue)
    escalated = fields.Function(lambda t: t.escalated_at is not None)
    escalated_to = fields.String(
        allow_none=True, metadata={"description": "the role the escalation reached at the council"}
    )
    escalated_agency = fields.String(
        allow_none=True,
        metadata={"description": "the agency whose partner managers it reached too (an overdue action)"},
    )


class TaskDetailSchema(TaskSchema):
    form_key = fields.String()
    form = fields.Function(
        lambda t: _form_json_schema(t.form_key),
        metadata={"type": "object", "description": "the form as JSON Schema"},
    )
    data = fields.Dict(allow_none=True, metadata={"description": "what was entered, once completed"})
    context = fields.Raw(
        metadata={
            "type": "object",
            "nullable": True,
            "description": "what the task shows beside its form: for a body's records check, the "
            "search details and its own reports; for the threshold decision, each body's answers",
        },
    )


def _form_json_schema(form_key: str) -> dict:
    from forms import form_json_schema

    return form_json_schema(form_key)


class TaskPageSchema(PageSchema):
    items = fields.List(fields.Nested(TaskSchema))


class AssignSchema(BaseSchema):
    """``POST /api/v1/tasks/{id}/assign``: who gets the task (API.md, second round)."""

    user = fields.Email(
        required=True,
        validate=validate.Length(max=254),
        metadata={"description": "the e-mail address of a member of the task's role at its council"},
    )
