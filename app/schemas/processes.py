from datetime import date

from marshmallow import Schema, ValidationError, fields, validate, validates

from app.councils import StrictInteger
from app.schemas.common import BaseSchema, IsoDate
from app.schemas.councils import ProcessRefSchema
from app.services.scenarios import received_on_problem


class VersionSchema(Schema):
    key = fields.String(attribute="process_key")
    number = fields.Integer()
    checksum = fields.String()
    created_at = fields.AwareDateTime(format="iso")
    note = fields.String()


class ProcessVersionItemSchema(Schema):
    number = fields.Integer()
    checksum = fields.String()
    created_at = fields.AwareDateTime(format="iso")
    created_by = fields.String(
        allow_none=True, metadata={"description": "Who saved it; null for a shipped diagram"}
    )
    note = fields.String()


class CouncilVersionSchema(Schema):
    council = fields.String()
    version = fields.Integer()


class ProcessAuditSchema(Schema):
    at = fields.AwareDateTime(format="iso")
    actor = fields.String()
    action = fields.String(metadata={"enum": ["version_saved", "activated"]})
    version = fields.Integer()
    council = fields.String(allow_none=True)


class ProcessSchema(Schema):
    key = fields.String()
    versions = fields.List(fields.Nested(ProcessVersionItemSchema))
    councils = fields.List(
        fields.Nested(CouncilVersionSchema), metadata={"description": "which council runs which"}
    )
    history = fields.List(
        fields.Nested(ProcessAuditSchema), metadata={"description": "who changed what, when"}
    )


class ProcessListSchema(Schema):
    items = fields.List(fields.Nested(ProcessSchema))


class ActivateSchema(BaseSchema):
    council = fields.String(required=True, validate=validate.Length(min=1, max=64))


class DiffQuerySchema(BaseSchema):
    from_ = fields.Integer(data_key="from", required=True, validate=validate.Range(min=1))
    to = fields.Integer(required=True, validate=validate.Range(min=1))


class DiffSchema(Schema):
    key = fields.String()
    from_ = fields.Integer(data_key="from", attribute="from_number")
    to = fields.Integer(attribute="to_number")
    added = fields.List(fields.String())
    removed = fields.List(fields.String())
    changed = fields.List(
        fields.Dict(), metadata={"description": "{element, changes: {property: {from, to}}}"}
    )


# --- Test-runs (app/services/test_runs.py) -----------------------------------------------------

TEST_RUN_MAX_ANSWERS = 50


def _at_most_answers(answers: dict) -> None:
    # Not validate.Length: apispec would document it as a string's maxLength.
    if len(answers) > TEST_RUN_MAX_ANSWERS:
        raise ValidationError(f"Give answers for at most {TEST_RUN_MAX_ANSWERS} forms or tasks.")


class ScenarioQuerySchema(BaseSchema):
    council = fields.String(required=True, validate=validate.Length(min=1, max=64))


class TestRunRequestSchema(BaseSchema):
    council = fields.String(required=True, validate=validate.Length(min=1, max=64))
    scenario = fields.String(
        required=True,
        validate=validate.Length(min=1, max=64),
        metadata={"description": "a built-in scenario's key (GET /processes/{key}/scenarios)"},
    )
    received_on = IsoDate(
        metadata={
            "description": "run the scenario as if received on this day (its application's dates move "
            "with it); from 2014-10-20, at most two years ahead"
        }
    )
    answers = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=64)),
        values=fields.Dict(keys=fields.String()),
        validate=_at_most_answers,
        metadata={
            "description": "form key or user task id -> fields merged over the scenario's answers for it; "
            'a done date left out is the day the task is completed, "{today}" / "{today+N}" are that day '
            "and N days after it",
            "maxProperties": TEST_RUN_MAX_ANSWERS,
        },
    )
    step_working_days = StrictInteger(
        validate=validate.Range(min=0, max=60),
        metadata={"description": "working days from a task opening to its completion (default 2)"},
    )

    @validates("received_on")
    def _within_reach(self, value: date, **kwargs) -> None:
        problem = received_on_problem(value)
        if problem:
            raise ValidationError(problem)


class ScenarioSchema(Schema):
    key = fields.String()
    title = fields.String()
    description = fields.String()
    received_on = fields.Date()
    step_working_days = fields.Integer()
    appeal = fields.Dict(allow_none=True, metadata={"description": "{received_after_days, grounds}, or null"})
    application = fields.Dict(metadata={"description": "the application, as POST /councils/{council}/cases"})
    answers = fields.Dict(metadata={"description": "form key or user task id -> the answers given"})


class ScenarioListSchema(Schema):
    items = fields.List(fields.Nested(ScenarioSchema))


class TestRunStepSchema(Schema):
    kind = fields.String(
        metadata={
            "enum": [
                "received",
                "threshold_evaluated",
                "task_completed",
                "timer_fired",
                "escalated",
                "appeal_lodged",
                "appeal_too_late",
                "letter_issued",
            ]
        }
    )
    on = fields.Date()
    name = fields.String()
    element = fields.String(allow_none=True)
    role = fields.String(allow_none=True)
    form = fields.String(attribute="form_key", allow_none=True)
    agency = fields.String(allow_none=True)
    opened_on = fields.Date(allow_none=True, metadata={"description": "a task: when it became due-able"})
    due_on = fields.Date(allow_none=True)
    deadline = fields.String(allow_none=True)
    answers = fields.Dict(allow_none=True, metadata={"description": "a task: the answers as validated"})
    passed = fields.List(fields.String(), metadata={"description": "elements the workflow went through"})


class TestRunDeadlineSchema(Schema):
    key = fields.String()
    label = fields.String()
    due_on = fields.Date()
    done_on = fields.Date(allow_none=True)
    status = fields.String(metadata={"enum": ["pending", "met", "missed"]})


class TestRunMilestoneSchema(Schema):
    key = fields.String()
    on = fields.Date()
    element = fields.String()


class TestRunLetterSchema(Schema):
    kind = fields.String()
    title = fields.String()
    recipient = fields.String(metadata={"enum": ["applicant", "victim", "third_party"]})
    element = fields.String()
    issued_on = fields.Date()
    html = fields.String(metadata={"description": "the letter as the case would store it"})


class TestRunSchema(Schema):
    process = fields.Nested(ProcessRefSchema)
    council = fields.String(attribute="council_id")
    scenario = fields.Nested(ScenarioSchema, metadata={"description": "the scenario as run"})
    outcome = fields.String(metadata={"enum": ["completed", "stopped", "error"]})
    stopped_at = fields.String(metadata={"description": "where and why the run stopped, in words"})
    ended_on = fields.Date(metadata={"description": "the run's clock when it stopped"})
    final_stage = fields.String()
    error = fields.String(allow_none=True)
    error_element = fields.String(allow_none=True)
    error_fields = fields.Dict(allow_none=True, metadata={"description": "field path -> messages"})
    path = fields.List(fields.String(), metadata={"description": "every element completed, in order"})
    steps = fields.List(fields.Nested(TestRunStepSchema))
    deadlines = fields.List(fields.Nested(TestRunDeadlineSchema))
    milestones = fields.List(fields.Nested(TestRunMilestoneSchema))
    letters = fields.List(fields.Nested(TestRunLetterSchema))
    record = fields.Dict(
        metadata={
            "description": "what the case would record: threshold, decision, outcome, appeals, agencies"
        }
    )
