"""Requests of the council's data protection staff on a case (issue 17): anonymising a closed case,
restricting a person's data on an open one."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.schemas.common import BaseSchema, StrictBoolean, text

REASON_LENGTH = 2000


class AnonymiseRequestSchema(BaseSchema):
    reason = text(
        REASON_LENGTH,
        required=True,
        metadata={
            "description": "Why the case is anonymised now (the erasure request and its date, say); "
            "kept in the case's history, the council's audit list and on each letter"
        },
    )


class RestrictionRequestSchema(BaseSchema):
    person = fields.String(
        required=True,
        validate=validate.Regexp(r"^(applicant|victim-[1-9][0-9]?)$", error="Give applicant or victim-N."),
        metadata={
            "description": "whose data: applicant, or victim-N (the N-th victim of the application, from 1)"
        },
    )
    restricted = StrictBoolean(
        required=True, metadata={"description": "true: restrict their data; false: lift the restriction"}
    )
    reason = text(
        REASON_LENGTH,
        required=True,
        metadata={"description": "why (the person's request, say); kept in the council's audit list"},
    )


class RestrictionSchema(Schema):
    person = fields.String()
    reason = fields.String()
    restricted_at = fields.AwareDateTime(format="iso")
    restricted_by = fields.String()
    lifted_at = fields.AwareDateTime(format="iso", allow_none=True)
    lifted_by = fields.String(allow_none=True)
    lift_reason = fields.String(allow_none=True)


class RestrictionsSchema(Schema):
    case = fields.Integer()
    restricted = fields.List(fields.String(), metadata={"description": "the people restricted now"})
    history = fields.List(
        fields.Nested(RestrictionSchema), metadata={"description": "every restriction, oldest first"}
    )
