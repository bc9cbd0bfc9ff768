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
    process = fields.Method("_process", metadata={"type": "object"})

    def _process(self, council) -> dict:
        return {"key": council.process_key, "version": None}


class CouncilPageSchema(PageSchema):
    items = fields.List(fields.Nested(CouncilSchema))
