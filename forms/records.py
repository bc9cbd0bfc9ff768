"""A relevant body's check of its own records before the threshold decision (s.104(3)(b);
LIFECYCLE.md "Passed on to every relevant body"; app/domain/bodies.py)."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from app.schemas.common import BaseSchema, StrictBoolean, text
from forms.base import NOTE_LENGTH, FormSchema

# As every list a form takes (and the rows a page shows, app/web/task_form.py MAX_ROWS): a body
# with more reports than this to answer is far beyond any published threshold of three.
MAX_REPORTS = 50


class ReportAnswerSchema(BaseSchema):
    report = fields.String(
        required=True,
        validate=validate.Length(min=1, max=80),
        metadata={
            "title": "Report",
            "description": "The report's id as the task lists it (incident id / position).",
            "x-widget": "hidden",
        },
    )
    confirmed = StrictBoolean(
        required=True, metadata={"title": "Does your agency hold a record of this report?"}
    )
    not_confirmed = text(
        NOTE_LENGTH,
        allow_none=True,
        metadata={
            "title": "Why is there no record?",
            "description": "Only when there is no record: for example, no call on that date "
            "from that address.",
            "x-show-when": {"confirmed": False},  # the page asks it only after "No"
        },
    )

    @validates_schema(skip_on_field_errors=False)
    def _reason_when_no_record(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("confirmed") is False and not (data.get("not_confirmed") or "").strip():
            raise ValidationError("Say why there is no record of this report.", "not_confirmed")
        if data.get("confirmed") is True and (data.get("not_confirmed") or "").strip():
            raise ValidationError("Leave this out when the report is on record.", "not_confirmed")


class ConfirmReportsForm(FormSchema):
    form_title = "Check your records of the reported complaints"
    form_description = (
        "The application was passed to your agency as a relevant body (Anti-social Behaviour, Crime "
        "and Policing Act 2014, s.104(3)(b)). For each report made to your agency, say whether you "
        "hold a record of it. A report with no record does not count towards the threshold."
    )

    reports = fields.List(
        fields.Nested(ReportAnswerSchema),
        required=True,
        validate=validate.Length(max=MAX_REPORTS),
        metadata={
            "title": "The reports made to your agency",
            "x-item-title": "Report",
            "x-fixed-rows": True,
        },
    )
    notes = text(
        NOTE_LENGTH,
        load_default="",
        metadata={
            "title": "Anything else the decision should know (optional)",
            "description": "For example, other complaints about the same behaviour that your agency holds.",
        },
    )
