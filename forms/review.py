"""The case review meeting and telling the victim its outcome (LIFECYCLE.md stages 7 and 8)."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from app.schemas.common import BaseSchema, StrictBoolean, text
from forms.actions import actions_field, check_due_dates
from forms.base import LONG_TEXT_LENGTH, NAME_LENGTH, DoneDate, FormSchema, choice
from forms.choices import OUTCOME_METHODS, PANEL_AGENCIES, PANEL_AGENCY_LABELS

MIN_PANEL_AGENCIES = 3  # "a panel of at least three relevant bodies"
MAX_PANEL_MEMBERS = 30


class PanelMemberSchema(BaseSchema):
    agency = choice(PANEL_AGENCIES, PANEL_AGENCY_LABELS, required=True, metadata={"title": "Which agency?"})
    name = text(NAME_LENGTH, required=True, metadata={"title": "Name"})
    role = text(
        NAME_LENGTH, required=True, metadata={"title": "Role", "description": "For example, Inspector."}
    )


class ChairSchema(BaseSchema):
    name = text(NAME_LENGTH, required=True, metadata={"title": "Name"})
    organisation = text(NAME_LENGTH, required=True, metadata={"title": "Organisation"})
    independent = StrictBoolean(
        required=True,
        metadata={"title": "Is the chair independent of the agencies that handled the case?"},
    )


def _three_agencies(panel: list[dict[str, Any]]) -> None:
    agencies = list(dict.fromkeys(member["agency"] for member in panel))
    if len(agencies) < MIN_PANEL_AGENCIES:
        represented = ", ".join(agencies) if agencies else "none"
        raise ValidationError(
            f"The panel must include at least {MIN_PANEL_AGENCIES} different agencies "
            f"({len(agencies)} given: {represented})."
        )


class CaseReviewForm(FormSchema):
    form_title = "Record the case review meeting"
    form_description = (
        "Record who attended, what the panel found and the action plan. The minutes and action plan "
        "go to the panel; the outcome goes to the victim."
    )

    held_on = DoneDate(required=True, metadata={"title": "When was the meeting held?"})
    panel = fields.List(
        fields.Nested(PanelMemberSchema),
        required=True,
        validate=[
            validate.Length(max=MAX_PANEL_MEMBERS, error="Must have at most {max} panel members."),
            _three_agencies,
        ],
        metadata={
            "title": "Who was on the panel?",
            "description": f"At least {MIN_PANEL_AGENCIES} different agencies.",
            # So a page can ask for enough rows up front; the rule itself is _three_agencies.
            "minItems": MIN_PANEL_AGENCIES,
            "x-item-title": "Panel member",
        },
    )
    chair = fields.Nested(ChairSchema, required=True, metadata={"title": "Who chaired the meeting?"})
    victim_attended = StrictBoolean(required=True, metadata={"title": "Did the victim attend the meeting?"})
    findings = text(LONG_TEXT_LENGTH, required=True, metadata={"title": "What did the panel find?"})
    recommendations = actions_field(
        required=True,
        title="What actions does the panel recommend?",
        description="Each action with the agency that will do it and a due date, which cannot be "
        "before the meeting. Give an empty list if there are none.",
    )

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def _check_due_dates(self, data: dict[str, Any], original: Any, **kwargs: Any) -> None:
        given = original.get("recommendations") if isinstance(original, dict) else None
        errors = check_due_dates(data.get("recommendations"), given, data.get("held_on"), "meeting")
        if errors:
            raise ValidationError({"recommendations": errors})


class NotifyOutcomeForm(FormSchema):
    form_title = "Tell the victim the outcome"
    form_description = (
        "By phone, then in writing. Do not disclose personal data about the people causing the "
        "anti-social behaviour."
    )

    notified_on = DoneDate(
        required=True,
        metadata={
            "title": "When was the victim told the outcome?",
            # A duty to tell is met when the person is told (LIFECYCLE; the diagram's doneOn).
            "description": "If you phoned first, the date of the call: the outcome counts as told "
            "that day. Otherwise it counts as told the day the outcome letter is issued.",
        },
    )
    method = choice(
        OUTCOME_METHODS, OUTCOME_METHODS, required=True, metadata={"title": "How was the victim told?"}
    )
