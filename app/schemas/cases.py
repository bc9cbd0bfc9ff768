"""The application (case creation), the case as the API shows it, and appeals."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from app import clock
from app.domain.deadlines import deadline_status
from app.domain.eligibility import APPLICANT_TYPES, CONSENT_EVIDENCE
from app.schemas.common import BaseSchema, IsoDate, PageQuerySchema, PageSchema, StrictBoolean, text
from app.schemas.dashboard import CaseFigureQueryFields
from app.schemas.tasks import TaskSchema
from app.schemas.threshold import (
    MAX_INCIDENTS,
    DiscretionarySchema,
    IncidentSchema,
    IncidentsSchema,
    check_not_future,
)

CHANNELS = ("online", "email", "phone", "letter", "in_person")
MAX_VICTIMS = 20


class PersonSchema(BaseSchema):
    name = text(200)
    email = fields.Email(validate=validate.Length(max=254))
    phone = text(40)
    address = text(500)


class ApplicantSchema(PersonSchema):
    organisation = text(200)
    relationship_to_victim = text(200)


class VictimSchema(PersonSchema):
    vulnerable = StrictBoolean(load_default=False)


class ConsentSchema(BaseSchema):
    given = StrictBoolean(required=True)
    evidence = fields.String(validate=validate.OneOf(CONSENT_EVIDENCE), allow_none=True)
    received_on = IsoDate(allow_none=True)

    @validates("received_on")
    def _not_future(self, value, **kwargs):
        check_not_future(value, "consent date")

    @validates_schema
    def _evidence_with_consent(self, data, **kwargs):
        if data.get("given") and not data.get("evidence"):
            raise ValidationError(
                "Say what the consent is (written_consent, power_of_attorney or other).", "evidence"
            )


class ApplicationSchema(IncidentsSchema):
    channel = fields.String(load_default="online", validate=validate.OneOf(CHANNELS))
    applicant_type = fields.String(required=True, validate=validate.OneOf(APPLICANT_TYPES))
    applicant = fields.Nested(ApplicantSchema, allow_none=True, load_default=None)
    victims = fields.List(
        fields.Nested(VictimSchema), load_default=list, validate=validate.Length(max=MAX_VICTIMS)
    )
    consent = fields.Nested(ConsentSchema, allow_none=True, load_default=None)
    summary = text(5000, load_default="")
    incidents = fields.List(
        fields.Nested(IncidentSchema), load_default=list, validate=validate.Length(max=MAX_INCIDENTS)
    )  # an application may have none (the threshold is then not met)
    impact = text(10000, load_default="")
    actions_taken = text(10000, load_default="")
    outcome_sought = text(10000, load_default="")
    special_circumstances = text(10000, load_default="")
    other_information = text(10000, load_default="")
    discretionary = fields.Nested(DiscretionarySchema, allow_none=True, load_default=None)
    # Derby City's guidance notes (line 106): "the Youth Offending Service will be involved, where
    # the anti-social behaviour involves someone who is under 18".
    under_18_involved = StrictBoolean(load_default=False)
    declaration = StrictBoolean(load_default=True)

    @validates("declaration")
    def _declared(self, value, **kwargs):
        if value is not True:
            raise ValidationError("The applicant must confirm the declaration.")

    @validates_schema
    def _who_applies(self, data, **kwargs):
        errors: dict[str, list[str]] = {}
        kind = data.get("applicant_type")
        named_victims = [v for v in data.get("victims", []) if (v.get("name") or "").strip()]
        if kind == "victim" and not named_victims:
            errors["victims"] = ["A victim's application needs at least one victim with a name."]
        if kind in ("third_party", "agency"):
            applicant = data.get("applicant") or {}
            who = applicant.get("organisation") if kind == "agency" else applicant.get("name")
            if not (who or "").strip():
                field = "organisation" if kind == "agency" else "name"
                errors["applicant"] = [
                    f"An application by a {kind.replace('_', ' ')} needs the applicant's {field}."
                ]
        if errors:
            raise ValidationError(errors)


class AppealRequestSchema(BaseSchema):
    received_on = IsoDate(required=True)
    grounds = text(10000, required=True)

    @validates("received_on")
    def _not_future(self, value, **kwargs):
        check_not_future(value, "received date")


class DeadlineSchema(Schema):
    key = fields.String()
    label = fields.String()
    due_on = fields.Date()
    done_on = fields.Date(allow_none=True)
    status = fields.Function(
        lambda d: deadline_status(d.due_on, d.done_on, clock.today()),
        metadata={"enum": ["pending", "met", "missed"]},
    )


class MilestoneSchema(Schema):
    key = fields.String()
    on = fields.Date()
    at = fields.AwareDateTime(format="iso")


class HistorySchema(Schema):
    at = fields.AwareDateTime(format="iso")
    actor = fields.String()
    event = fields.String()
    detail = fields.String()


class HistoryField(fields.Nested):
    """A case's history as HistorySchema describes it (the API description reads the schema),
    dumped without marshmallow's work per field and entry: an old case's history runs to
    hundreds of entries (bench/bench_case.py), each a ``HistoryItem`` (app/models/case.py)."""

    def __init__(self, **kwargs):
        super().__init__(HistorySchema, many=True, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return [
            {"at": at.isoformat(), "actor": actor, "event": event, "detail": detail}
            for at, actor, event, detail in value
        ]


class AppealSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"enum": ["review_request", "appeal"]})
    received_on = fields.Date()
    grounds = fields.String()
    decided_on = fields.Date(allow_none=True)
    upheld = fields.Boolean(allow_none=True)


class CaseQuerySchema(PageQuerySchema, CaseFigureQueryFields):
    council = fields.String(validate=validate.Length(max=64))
    status = fields.String(validate=validate.OneOf(["open", "closed"]))
    stage = fields.String(
        validate=validate.OneOf(
            ["acknowledgement", "threshold", "review", "outcome", "monitoring", "appeal", "closed"]
        )
    )
    overdue = fields.Boolean(load_default=False, truthy={"true", "1"}, falsy={"false", "0"})
    q = fields.String(
        validate=validate.Length(min=1, max=200),
        metadata={
            "description": "words that begin the reference, a victim's or the applicant's name or "
            "e-mail address, or a postcode; every word must match"
        },
    )


class CaseSummarySchema(Schema):
    id = fields.Integer()
    reference = fields.String()
    council = fields.String(attribute="council_id")
    status = fields.String()
    stage = fields.String()
    received_on = fields.Date()
    clock_started_on = fields.Date(
        allow_none=True,
        metadata={
            "description": "when the statutory clock started: the day of receipt, or, where the "
            "council counts its limits from the completed application, the day the victim's "
            "consent was recorded; null while it is awaited"
        },
    )
    settings_version = fields.Function(
        lambda c: c.settings_version or 1,
        metadata={
            "description": "the council's settings version in force at receipt: the policy the case follows"
        },
    )
    process = fields.Function(
        lambda c: {"key": c.process_version.process_key, "version": c.process_version.number}
    )


# Made once: a schema is costly to build and dumps without keeping state.
_tasks_schema = TaskSchema(many=True)


class CaseSchema(CaseSummarySchema):
    """The whole case, for council staff (app/presenters/case_file.py decides who is staff)."""

    audience = fields.Constant("staff", metadata={"enum": ["staff"], "description": "who this view is for"})
    application = fields.Dict(metadata={"description": "the application as received (API.md, Application)"})
    deadlines = fields.List(fields.Nested(DeadlineSchema))
    milestones = fields.List(fields.Nested(MilestoneSchema))
    open_tasks = fields.Function(lambda c: _tasks_schema.dump([t for t in c.tasks if t.status == "open"]))
    threshold = fields.Function(lambda c: {"evaluation": c.threshold, "decision": c.decision})
    outcome = fields.Dict(allow_none=True)
    appeals = fields.List(fields.Nested(AppealSchema))
    history = HistoryField()
    restricted = fields.List(
        fields.String(),
        metadata={
            "description": "the people whose data is restricted (victim-N, applicant): only the "
            "case's officers and managers see it; others get it withheld in application"
        },
    )
    anonymised_at = fields.AwareDateTime(
        format="iso",
        allow_none=True,
        metadata={
            "description": "when the case's personal data was replaced (retention or an erasure "
            "request); null: never. Its dates, deadlines, milestones and figures are kept"
        },
    )
    version = fields.Integer(metadata={"description": "changes with every change to the case"})


class CasePageSchema(PageSchema):
    items = fields.List(fields.Nested(CaseSummarySchema))


# A partner agency's part of a case (app/presenters/case_file.py:partner_case): nothing else.


class PartnerReportSchema(Schema):
    report = fields.String(metadata={"description": "<incident id>/<n>, as the records check names it"})
    agency = fields.String()
    reported_on = fields.String(allow_none=True, metadata={"format": "date"})
    method = fields.String(allow_none=True)
    reference = fields.String()
    confirmed = fields.Boolean(
        allow_none=True, metadata={"description": "the agency's own answer; null: not checked"}
    )


class PartnerIncidentSchema(Schema):
    id = fields.String()
    occurred_on = fields.String(allow_none=True, metadata={"format": "date"})
    description = fields.String()
    reports = fields.List(
        fields.Nested(PartnerReportSchema), metadata={"description": "only those made to the agency"}
    )


class PersonToFindSchema(Schema):
    name = fields.String()
    address = fields.String()


class ProgressStepSchema(Schema):
    stage = fields.String()
    label = fields.String()
    state = fields.String(metadata={"enum": ["done", "current", "to_come"]})


class PartnerCaseSchema(Schema):
    """A case as a partner agency sees it: the victims' names and addresses, the incidents with the
    reports made to its agency, the stage in words, the stages' progress and its own open tasks."""

    audience = fields.Constant(
        "partner", metadata={"enum": ["partner"], "description": "who this view is for"}
    )
    id = fields.Integer()
    reference = fields.String()
    council = fields.String()
    council_name = fields.String()
    status = fields.String()
    stage = fields.String()
    stage_label = fields.String()
    agency = fields.String()
    agency_label = fields.String()
    victims = fields.List(fields.Nested(PersonToFindSchema))
    incidents = fields.List(fields.Nested(PartnerIncidentSchema))
    open_tasks = fields.List(fields.Nested(TaskSchema))
    progress = fields.List(fields.Nested(ProgressStepSchema))


class PartnerCaseSummarySchema(Schema):
    """A case in a partner's list: no dates, process or anything beyond its part."""

    id = fields.Integer()
    reference = fields.String()
    council = fields.String(attribute="council_id")
    status = fields.String()
    stage = fields.String()


class PartnerCasePageSchema(PageSchema):
    items = fields.List(fields.Nested(PartnerCaseSummarySchema))
