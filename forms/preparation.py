"""Forms that prepare the case review: request information from the agencies, an agency's
return, contact with the victim (LIFECYCLE.md stage 6)."""

from __future__ import annotations

from collections import Counter

from marshmallow import ValidationError, fields, validate, validates_schema

from app.domain.eligibility import agencies_required
from app.schemas.common import StrictBoolean, text
from forms.base import LONG_TEXT_LENGTH, DoneDate, FormSchema, choice
from forms.choices import REQUEST_AGENCIES, REQUEST_AGENCY_LABELS


def no_duplicates(values: list[str]) -> None:
    repeated = [value for value, count in Counter(values).items() if count > 1]
    if repeated:
        listed = ", ".join(repeated)
        raise ValidationError(f"Select each agency once; listed more than once: {listed}.")


class RequestInformationForm(FormSchema):
    form_title = "Request information from the agencies"
    form_description = "Each agency you select is asked to return its information for the review."

    agencies = fields.List(
        choice(REQUEST_AGENCIES),
        required=True,
        validate=[
            # No duplicates, so there can be no more than one of each.
            validate.Length(
                min=1,
                max=len(REQUEST_AGENCIES),
                error="Select between {min} and {max} agencies.",
            ),
            no_duplicates,
        ],
        metadata={
            "title": "Which agencies should provide information?",
            "description": "Select all that apply.",
            "x-labels": REQUEST_AGENCY_LABELS,
            "uniqueItems": True,
        },
    )

    @validates_schema(skip_on_field_errors=True)
    def _required_agencies(self, data, **kwargs) -> None:
        missing = [
            agency
            for agency in agencies_required(under_18_involved=self.form_context.under_18_involved)
            if agency not in data.get("agencies", [])
        ]
        if missing:
            # The labels are names ("The Youth Offending Service"): only their first letter drops.
            listed = ", ".join(
                label[:1].lower() + label[1:] for label in (REQUEST_AGENCY_LABELS[a] for a in missing)
            )
            raise ValidationError(
                f"Include {listed}: the application says a person under 18 is involved, so it is "
                "among the agencies asked.",
                "agencies",
            )


class ReturnInformationForm(FormSchema):
    form_title = "Return your agency's information"
    form_description = "Do not include personal data about the people causing the anti-social behaviour."

    summary = text(
        LONG_TEXT_LENGTH,
        required=True,
        metadata={"title": "What has your agency recorded about this case?"},
    )
    actions_taken = text(
        LONG_TEXT_LENGTH,
        required=True,
        metadata={"title": "What has your agency done about it?"},
    )


class ContactVictimForm(FormSchema):
    form_title = "Contact the victim"
    form_description = (
        "Explain the review, and how the victim can be heard: by attending part of the meeting "
        "or by sending an impact statement."
    )

    contacted_on = DoneDate(required=True, metadata={"title": "When was the victim contacted?"})
    victim_will_attend = StrictBoolean(
        required=True, metadata={"title": "Will the victim attend the case review meeting?"}
    )
    impact_statement = text(
        LONG_TEXT_LENGTH,
        load_default="",
        metadata={
            "title": "Impact statement (optional)",
            "description": "In the victim's words: how the anti-social behaviour has affected them.",
        },
    )
