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
        """The version new cases of the council start on (null until a diagram is loaded)."""
        from app.store.processes import active_version_for

        version = active_version_for(council.id)
        if version is None:
            return {"key": council.process_key, "version": None}
        return {"key": version.process_key, "version": version.number}


class CouncilPageSchema(PageSchema):
    items = fields.List(fields.Nested(CouncilSchema))
