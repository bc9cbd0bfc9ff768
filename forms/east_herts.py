"""East Herts' own forms (east-herts-policy.txt, section 12, "The Case Review Panel Meeting").

- ``case_review_east_herts``: the shared case review form with East Herts' panel and chair rules.
  The panel must include "three representatives from: East Herts District Councils Community
  Safety Team, Safe Neighbourhood Team Inspector, Social Housing Provider, East and North Herts
  CCG", and "This will include an independent chair ... from a neighbouring Local Authority
  where possible; should this not be practicable then the EHC Community Safety & ASB Manager or
  Community WellBeing & Partnerships Manager will be the Chair": a chair who is not independent
  needs the reason recorded.
- ``circulate_minutes``: "Minutes of the Community Trigger Case Review, and the action plan will
  be circulated to all panel members ... within 5 working days. The case will be added to the
  East Herts Anti-social Behaviour Action Group (ASBAG) for onward monitoring."
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from marshmallow import ValidationError, fields, validate, validates, validates_schema

from app.schemas.common import StrictBoolean, text
from forms.base import NOTE_LENGTH, DoneDate, FormSchema, choice
from forms.choices import PANEL_AGENCIES, PANEL_AGENCY_LABELS
from forms.review import CaseReviewForm, ChairSchema

# The relevant bodies of section 12's minimum panel, as the panel's agency codes: the council's
# Community Safety Team, the police (Safe Neighbourhood Team Inspector), the social housing
# provider and the health body (East and North Herts CCG, now the integrated care board).
RELEVANT_BODIES = ("council", "police", "housing_provider", "icb")
MIN_RELEVANT_BODIES = 3


def _labels(codes: list[str] | tuple[str, ...]) -> str:
    return ", ".join(PANEL_AGENCY_LABELS[code] for code in codes)


class EastHertsChairSchema(ChairSchema):
    """The chair, and why it is not independent when a neighbouring authority could not chair."""

    not_independent_reason = text(
        NOTE_LENGTH,
        allow_none=True,
        load_default=None,
        metadata={
            "title": "Why could a chair from a neighbouring authority not be found?",
            "description": "Required when the chair is not independent (the Community Safety & ASB "
            "Manager or the Community Wellbeing & Partnerships Manager chairs); leave it out when "
            "the chair is independent.",
        },
    )

    @validates_schema(skip_on_field_errors=False)
    def _independent_or_why_not(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "independent" not in data:
            return  # missing or invalid: that error is reported already
        reason = (data.get("not_independent_reason") or "").strip()
        if data["independent"] is False and not reason:
            raise ValidationError(
                {
                    "not_independent_reason": [
                        "The chair should be independent, from a neighbouring local authority. "
                        "Say why that was not practicable."
                    ]
                }
            )
        if data["independent"] is True and data.get("not_independent_reason") is not None:
            raise ValidationError(
                {"not_independent_reason": ["Leave this out when the chair is independent."]}
            )


class CaseReviewEastHertsForm(CaseReviewForm):
    form_title = "Record the case review meeting"
    form_description = (
        "Record who attended, what the panel found and the action plan. East Herts' panel includes "
        "at least three of the council's Community Safety Team, the police, the social housing "
        "provider and the ICB, with an independent chair from a neighbouring local authority where "
        "possible. The minutes and action plan go to the panel; the outcome goes to the victim."
    )

    chair = fields.Nested(
        EastHertsChairSchema,
        required=True,
        metadata={
            "title": "Who chaired the meeting?",
            "description": "An independent chair from a neighbouring local authority where possible.",
        },
    )

    @validates("panel")
    def _three_relevant_bodies(self, panel: list[dict[str, Any]], **kwargs: Any) -> None:
        present = [code for code in RELEVANT_BODIES if any(m.get("agency") == code for m in panel)]
        if len(present) < MIN_RELEVANT_BODIES:
            given = _labels(present) if present else "none"
            raise ValidationError(
                f"The panel must include at least {MIN_RELEVANT_BODIES} of: {_labels(RELEVANT_BODIES)} "
                f"({len(present)} given: {given})."
            )


def _no_duplicates(values: list[str]) -> None:
    repeated = [value for value, count in Counter(values).items() if count > 1]
    if repeated:
        raise ValidationError(f"Select each agency once; listed more than once: {', '.join(repeated)}.")


class CirculateMinutesForm(FormSchema):
    form_title = "Circulate the minutes and action plan"
    form_description = (
        "Send the minutes of the case review and the action plan to every panel member, within "
        "5 working days of the meeting. The case is then added to the East Herts ASB Action Group "
        "(ASBAG) for monitoring."
    )

    circulated_on = DoneDate(
        required=True, metadata={"title": "When were the minutes and action plan circulated?"}
    )
    recipients = fields.List(
        choice(PANEL_AGENCIES),
        required=True,
        validate=[
            validate.Length(min=1, max=len(PANEL_AGENCIES), error="Select between {min} and {max} agencies."),
            _no_duplicates,
        ],
        metadata={
            "title": "Which panel members' agencies were they sent to?",
            "description": "Select all that apply: every agency on the panel.",
            "x-labels": PANEL_AGENCY_LABELS,
            "uniqueItems": True,
        },
    )
    action_plan_attached = StrictBoolean(
        required=True, metadata={"title": "Was the action plan sent with the minutes?"}
    )
    added_to_asbag = StrictBoolean(
        load_default=False,
        metadata={
            "title": "Has the case been added to the ASB Action Group (ASBAG) for monitoring? (optional)"
        },
    )
    notes = text(NOTE_LENGTH, load_default="", metadata={"title": "Notes (optional)"})
