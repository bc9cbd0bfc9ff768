"""A case's access log (issue 17): who viewed or exported its personal data, and when."""

from __future__ import annotations

from marshmallow import Schema, fields

from app.models import AccessKind
from app.schemas.common import PageSchema


class CaseAccessSchema(Schema):
    at = fields.DateTime()
    actor = fields.String(metadata={"description": "the e-mail address of who viewed or exported it"})
    route = fields.String(
        metadata={
            "description": "the method and the URL rule of the page or API route, never the path",
            "example": "GET /api/v1/cases/<int:case_id>",
        }
    )
    kind = fields.String(
        metadata={"enum": [k.value for k in AccessKind], "description": "view, or a subject access export"}
    )
    target = fields.String(
        metadata={"description": 'what of the case, beyond the case itself: "task 12", "document 7", ""'}
    )


class CaseAccessPageSchema(PageSchema):
    items = fields.List(fields.Nested(CaseAccessSchema))
