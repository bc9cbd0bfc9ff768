"""The readiness answer (GET /api/v1/health/ready)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class ReadinessSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(["ready", "unavailable"]))
    database = fields.String(required=True, validate=validate.OneOf(["ok", "unreachable"]))
    schema = fields.String(
        required=True,
        validate=validate.OneOf(["current", "missing", "behind", "unknown"]),
        metadata={"description": "the schema against the latest migration; unknown when newer or unread"},
    )
    reason = fields.String(metadata={"description": "why it is not ready (only then)"})


readiness_schema = ReadinessSchema()
