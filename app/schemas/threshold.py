"""Incidents, reports and discretionary activations as the application gives them, and the
threshold result as the API returns it."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates, validates_schema

from app import clock
from app.domain.threshold import (
    AGENCIES,
    EXCLUSION_REASONS,
    FLOOR_GROUNDS,
    METHODS,
    REPORT_REASONS,
    ROUTES,
    Discretionary,
    Incident,
    incidents_from_data,
)
from app.schemas.common import BaseSchema, IsoDate, StrictBoolean, text

MAX_INCIDENTS = 500
MAX_REPORTS_PER_INCIDENT = 50


class ReportSchema(BaseSchema):
    agency = fields.String(required=True, validate=validate.OneOf(AGENCIES))
    reported_on = IsoDate(required=True)
    method = fields.String(required=True, validate=validate.OneOf(METHODS))
    reporter = text(200, load_default="", metadata={"description": "name of who reported it"})
    reference = text(100, load_default="")
    confirmed = StrictBoolean(
        allow_none=True,
        load_default=None,
        metadata={
            "description": "null until the agency has checked its records; false when it has no record"
        },
    )
    not_confirmed = text(2000, load_default="", metadata={"description": "why not, when confirmed is false"})

    @validates_schema
    def _reason_only_when_not_confirmed(self, data, **kwargs):
        if data.get("not_confirmed", "").strip() and data.get("confirmed") is not False:
            raise ValidationError("Give a reason only when confirmed is false.", "not_confirmed")


class IncidentSchema(BaseSchema):
    id = fields.String(
        validate=[validate.Length(min=1, max=64), validate.Regexp(r"\S", error="Must not be blank.")],
        metadata={"description": "optional client id; defaults to the incident's position, 1-based"},
    )
    occurred_on = IsoDate(required=True)
    description = text(5000, load_default="")
    hate_motivated = StrictBoolean(
        load_default=False, metadata={"description": "motivated by hate (RULES.md §2)"}
    )
    reports = fields.List(
        fields.Nested(ReportSchema),
        load_default=list,
        validate=validate.Length(max=MAX_REPORTS_PER_INCIDENT),
    )


class DiscretionarySchema(BaseSchema):
    by = text(200, required=True)
    role = text(
        100, required=True, metadata={"description": "e.g. community_safety_manager, police_inspector"}
    )
    reason = text(2000, required=True)


def received_on_field() -> IsoDate:
    return IsoDate(load_default=None, metadata={"description": "defaults to today; may not be in the future"})


def check_not_future(value, what: str = "date") -> None:
    if value is not None and value > clock.today():
        raise ValidationError(f"The {what} may not be in the future.")


def incident_id(incident: dict[str, Any], index: int) -> str:
    """The client's id, or the incident's 1-based position when it gave none."""
    return incident.get("id") or str(index + 1)


def check_incident_ids(incidents: list[dict[str, Any]]) -> None:
    seen: set[str] = set()
    errors: dict[int, dict[str, list[str]]] = {}
    for index, incident in enumerate(incidents):
        identifier = incident_id(incident, index)
        if identifier in seen:
            errors[index] = {"id": [f"Duplicate incident id {identifier!r}."]}
        seen.add(identifier)
    if errors:
        raise ValidationError({"incidents": errors})


class IncidentsSchema(BaseSchema):
    """What the threshold check and the application share: the received date and the incidents."""

    received_on = received_on_field()
    incidents = fields.List(
        fields.Nested(IncidentSchema), required=True, validate=validate.Length(max=MAX_INCIDENTS)
    )

    @validates("received_on")
    def _received_not_future(self, value, **kwargs):
        check_not_future(value, "received date")

    @validates_schema
    def _incident_ids(self, data, **kwargs):
        check_incident_ids(data.get("incidents", []))

    @post_load
    def _fill_defaults(self, data, **kwargs):
        if data.get("received_on") is None:
            data["received_on"] = clock.today()
        for index, incident in enumerate(data.get("incidents", [])):
            incident["id"] = incident_id(incident, index)
        return data


class ThresholdCheckSchema(IncidentsSchema):
    discretionary = fields.Nested(DiscretionarySchema, allow_none=True, load_default=None)


def to_incidents(incidents: list[dict[str, Any]]) -> tuple[Incident, ...]:
    return incidents_from_data(incidents)


def to_discretionary(data: dict[str, str] | None) -> Discretionary | None:
    return Discretionary(by=data["by"], role=data["role"], reason=data["reason"]) if data else None


class ExclusionSchema(Schema):
    incident = fields.String()
    reason = fields.String(metadata={"enum": list(EXCLUSION_REASONS)})
    report_reasons = fields.List(
        fields.String(metadata={"enum": list(REPORT_REASONS)}),
        metadata={"description": "each failing report's first reason, once each, in this order"},
    )


class FloorNoteSchema(Schema):
    incident = fields.String()
    grounds = fields.List(fields.String(metadata={"enum": list(FLOOR_GROUNDS)}))


class WindowSchema(Schema):
    from_ = fields.Date(data_key="from", attribute="window_from")
    to = fields.Date(attribute="window_to")


class ThresholdResultSchema(Schema):
    met = fields.Boolean()
    route = fields.String(allow_none=True, metadata={"enum": [*ROUTES, None]})
    required = fields.Integer()
    qualifying_count = fields.Integer(metadata={"description": "separate occasions that qualify"})
    qualifying_incidents = fields.List(fields.String())
    excluded = fields.List(fields.Nested(ExclusionSchema))
    explanation = fields.String()
    window = fields.Function(lambda result: WindowSchema().dump(result), metadata={"type": "object"})
    distinct_reporters = fields.Integer()
    discretionary = fields.Nested(DiscretionarySchema, allow_none=True)
    discretionary_accepted = fields.Boolean()
    hate_incidents = fields.List(
        fields.String(), metadata={"description": "qualifying incidents motivated by hate"}
    )
    act_floor = fields.List(
        fields.Nested(FloorNoteSchema),
        metadata={"description": "incidents that count only by the Act's floor, not the council's wording"},
    )
    confirmed_only = fields.Boolean(
        metadata={"description": "true for the evaluation on the confirmed records"}
    )
