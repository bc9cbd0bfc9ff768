"""Subject access (issue 17): the people search and the export of everything held about a person."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.domain.search import postcodes_in
from app.schemas.cases import CaseSummarySchema
from app.schemas.common import BaseSchema, PageQuerySchema, PageSchema


class PeopleQuerySchema(PageQuerySchema):
    # Checked by the service, which says precisely what is wrong with it (400).
    q = fields.String(
        metadata={"description": "a name, an e-mail address or a postcode: at least 3 characters"}
    )
    council = fields.String(
        validate=validate.Length(max=64), metadata={"description": "one of the caller's councils"}
    )


class CapacitySchema(Schema):
    role = fields.String(metadata={"enum": ["victim", "applicant"]})
    applied_themselves = fields.Boolean(metadata={"description": "a victim who made the application"})
    description = fields.String(metadata={"example": "Applicant on behalf of the victim (their son)"})


class PersonMatchSchema(Schema):
    """A person on a case, as the search finds them."""

    id = fields.String(
        metadata={"description": "case id and person, for ?case_person=", "example": "17:victim-1"}
    )
    case_id = fields.Function(lambda a: a.case.id)
    case_reference = fields.Function(lambda a: a.case.reference)
    council = fields.Function(lambda a: a.case.council_id)
    case_status = fields.Function(lambda a: a.case.status)
    received_on = fields.Function(lambda a: a.case.received_on.isoformat(), metadata={"format": "date"})
    capacity = fields.Function(
        lambda a: CapacitySchema().dump(
            {
                "role": a.person.role,
                "applied_themselves": a.person.applied_themselves,
                "description": a.person.capacity(),
            }
        ),
        metadata={"type": "object"},
    )
    name = fields.Function(lambda a: a.person.name)
    email = fields.Function(lambda a: a.person.email or None, metadata={"nullable": True})
    postcodes = fields.Function(
        lambda a: sorted(
            p.upper()[:-3] + " " + p.upper()[-3:] for p in postcodes_in(a.person.record.get("address"))
        ),
        metadata={"type": "array", "items": {"type": "string"}},
    )


class PersonMatchPageSchema(PageSchema):
    items = fields.List(fields.Nested(PersonMatchSchema))


class ExportQuerySchema(BaseSchema):
    email = fields.String(
        validate=validate.Length(max=254), metadata={"description": "the person's e-mail address"}
    )
    case_person = fields.String(
        validate=validate.Length(max=32),
        metadata={"description": "a person on a case, as the search gives it: 17:victim-1"},
    )
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "zip"]))


class ExportCaseSchema(CaseSummarySchema):
    """The case an entry of the export is about."""

    class Meta:
        fields = ("id", "reference", "council", "status", "stage", "received_on")


class ExportLetterSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    title = fields.String()
    issued_on = fields.Date()
    recipient = fields.String(metadata={"enum": ["applicant", "victim", "third_party"]})
    file = fields.String(
        allow_none=True, metadata={"description": "the letter's PDF in the ZIP (format=zip)"}
    )
    html = fields.String(metadata={"description": "the letter as it was sent"})


class ExportHistorySchema(Schema):
    at = fields.DateTime()
    actor = fields.String(metadata={"description": '"a member of staff", "system" or "timer"'})
    event = fields.String()
    detail = fields.String()


class ExportRecordSchema(Schema):
    form = fields.String()
    name = fields.String()
    completed_at = fields.DateTime(allow_none=True)
    data = fields.Raw(metadata={"type": "object", "description": "the task's answers, redacted"})


class ExportAppealSchema(Schema):
    kind = fields.String()
    received_on = fields.Date()
    grounds = fields.String()
    decided_on = fields.Date(allow_none=True)
    upheld = fields.Boolean(allow_none=True)
    reasons = fields.String()


class ExportAppearanceSchema(Schema):
    """One case the person appears on, and what it holds about them."""

    case_person = fields.String()
    case = fields.Nested(ExportCaseSchema)
    capacity = fields.Nested(CapacitySchema)
    record = fields.Dict(metadata={"description": "their own details in the application"})
    consent = fields.Dict(allow_none=True)
    application = fields.Dict(
        metadata={"description": "the account of what happened: free text and incidents, redacted"}
    )
    threshold_decision = fields.Raw(allow_none=True, metadata={"type": "object"})
    outcome = fields.Raw(allow_none=True, metadata={"type": "object"})
    action_plan = fields.Raw(allow_none=True, metadata={"type": "array", "items": {"type": "object"}})
    appeals = fields.List(fields.Nested(ExportAppealSchema))
    records = fields.List(fields.Nested(ExportRecordSchema))
    history = fields.List(fields.Nested(ExportHistorySchema))
    letters = fields.List(fields.Nested(ExportLetterSchema))


class ExportSubjectSchema(Schema):
    email = fields.String(allow_none=True)
    case_person = fields.String(allow_none=True)
    names = fields.List(fields.String())


class SubjectExportSchema(Schema):
    subject = fields.Nested(ExportSubjectSchema)
    generated_at = fields.DateTime()
    generated_by = fields.String()
    councils = fields.List(fields.String(), metadata={"description": "the councils searched"})
    withheld = fields.String(metadata={"description": "what is left out, and why"})
    cases = fields.List(fields.Nested(ExportAppearanceSchema))
