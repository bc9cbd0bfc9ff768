from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.domain.calendar import NATIONS
from app.schemas.common import BaseSchema, IsoDate

MAX_WORKING_DAYS = 2000  # about eight years: far beyond any statutory limit


class WorkingDaysQuerySchema(BaseSchema):
    from_ = IsoDate(data_key="from", required=True)
    days = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_WORKING_DAYS))
    council = fields.String(
        validate=[
            validate.Length(min=1, error="Give a council id, or leave council out and give nation."),
            validate.Length(max=64),
        ]
    )
    nation = fields.String(validate=validate.OneOf(NATIONS))

    @validates_schema
    def _council_or_nation(self, data, **kwargs):
        if ("council" in data) == ("nation" in data):
            raise ValidationError("Give either council or nation.", field_name="council")


class SkippedDaySchema(Schema):
    date = fields.Date(attribute="on")
    kind = fields.String(metadata={"enum": ["weekend", "bank_holiday", "closure"]})
    reason = fields.String()


class WorkingDaysSchema(Schema):
    from_ = fields.Date(data_key="from", attribute="start")
    days = fields.Integer()
    due_on = fields.Date()
    council = fields.String(allow_none=True)
    nation = fields.String()
    skipped = fields.List(fields.Nested(SkippedDaySchema))
