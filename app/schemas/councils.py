from marshmallow import Schema, fields

from app.schemas.common import PageSchema


class ProcessRefSchema(Schema):
    key = fields.String()
    version = fields.Integer(allow_none=True, metadata={"description": "null until a diagram is loaded"})


class CouncilSchema(Schema):
    id = fields.String()
    name = fields.String()
    nation = fields.String()
    county = fields.String()
    process = fields.Nested(ProcessRefSchema, metadata={"description": "the version new cases start on"})


class CouncilPageSchema(PageSchema):
    items = fields.List(fields.Nested(CouncilSchema))


class FiguresPublicationSchema(Schema):
    """A council's figures for a year, published (issue 15)."""

    council = fields.String(attribute="council_id")
    year = fields.Integer()
    published_at = fields.DateTime()
    published_by = fields.String()
