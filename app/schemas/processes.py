from marshmallow import Schema, fields, validate

from app.schemas.common import BaseSchema


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
