"""The audit list of a council: its query and its entries (issue 16)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.schemas.common import IsoDate, PageQuerySchema, PageSchema

ACTION_PATTERN = r"^[a-z_]+(\.[a-z_]+)*$"


class AuditQuerySchema(PageQuerySchema):
    action = fields.String(
        validate=[
            validate.Length(max=64),
            validate.Regexp(
                ACTION_PATTERN,
                error='Not an action: give one such as "settings.changed", or "settings" for all of them.',
            ),
        ],
        metadata={
            "description": 'an action ("settings.changed") or every action under a prefix ("settings")'
        },
    )
    actor = fields.String(
        validate=validate.Length(min=1, max=254),
        metadata={"description": 'who made the change: an e-mail address, or "system" or "cli"'},
    )
    from_ = IsoDate(data_key="from", metadata={"description": "from this day (England and Wales), included"})
    to = IsoDate(metadata={"description": "up to this day, included"})

    @validates_schema
    def in_order(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("from_") and data.get("to") and data["from_"] > data["to"]:
            raise ValidationError("Must be on or after from.", "to")


class AuditEntrySchema(Schema):
    id = fields.Integer()
    council = fields.String(attribute="council_id", allow_none=True)
    at = fields.DateTime()
    actor = fields.String()
    action = fields.String()
    subject = fields.String()
    reason = fields.String(allow_none=True)
    details = fields.Dict(allow_none=True, metadata={"description": "what changed, e.g. before and after"})


class AuditPageSchema(PageSchema):
    items = fields.List(fields.Nested(AuditEntrySchema))
