"""A case's action plan in the API (spec/API.md ``GET /api/v1/cases/{id}/actions``)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.domain.actions import STATUSES
from app.schemas.common import BaseSchema, text
from forms.base import NOTE_LENGTH


class ActionSchema(Schema):
    id = fields.Integer(metadata={"description": "The action's number in the plan, from 1"})
    description = fields.String()
    owner_agency = fields.String(metadata={"description": "The agency that owns it (a panel agency code)"})
    due_on = fields.Date()
    agreed_with_victim = fields.Boolean()
    status = fields.String(validate=validate.OneOf(STATUSES))
    done_on = fields.Date(
        allow_none=True, metadata={"description": "The day it was done, or closed undone; null while open"}
    )
    note = fields.String(
        metadata={"description": "The latest progress note, or the reason it was closed (the victim sees it)"}
    )


class ActionPlanSchema(Schema):
    case = fields.Integer(metadata={"description": "The case's id"})
    items = fields.List(fields.Nested(ActionSchema))


class CloseActionSchema(BaseSchema):
    reason = text(
        NOTE_LENGTH,
        required=True,
        metadata={
            "description": "Why the action will not be done. The victim sees it: name no one.",
        },
    )
