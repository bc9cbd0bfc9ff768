"""Forms from receipt to the threshold decision: acknowledge, verify consent, screen for
eligibility, decide the threshold (LIFECYCLE.md stages 2 to 5)."""

from __future__ import annotations

from marshmallow import fields, validate

from app.schemas.common import StrictBoolean, text
from forms.base import LONG_TEXT_LENGTH, NOTE_LENGTH, DoneDate, FormSchema, OnlyWhen, choice
from forms.choices import (
    ACKNOWLEDGEMENT_METHODS,
    CONSENT_EVIDENCE,
    CONSENT_EVIDENCE_LABELS,
    INELIGIBILITY_REASONS,
    REQUEST_AGENCIES,
    REQUEST_AGENCY_LABELS,
    ROUTE_LABELS,
    ROUTES,
)
from forms.preparation import no_duplicates


def notes_field() -> fields.String:
    return text(NOTE_LENGTH, load_default="", metadata={"title": "Notes (optional)"})


class AcknowledgeForm(FormSchema):
    form_title = "Acknowledge the application"
    form_description = (
        "Send the applicant the acknowledgement (CT1, and CT2 to a third party who applied for the "
        "victim), with the next steps and a single point of contact."
    )

    sent_on = DoneDate(
        default_today=True,
        metadata={
            "title": "When was the acknowledgement sent?",
            "description": "Leave this out to use today's date. It cannot be in the future or before "
            "the application was received. The acknowledgement counts as made the day the CT1 "
            "letter is issued, when you complete this task.",
        },
    )
    method = choice(
        ACKNOWLEDGEMENT_METHODS,
        ACKNOWLEDGEMENT_METHODS,
        required=True,
        metadata={"title": "How was the acknowledgement sent?"},
    )
    notes = notes_field()


class VerifyConsentForm(FormSchema):
    form_title = "Record the victim's consent"
    form_description = (
        "An application made for someone else, by a third party or an organisation, does not "
        "progress until the victim's written consent, or other authority such as a power of "
        "attorney, is recorded. Once the follow-up date has passed without it, the case can be "
        "closed as consent not given."
    )
    # Evidence of consent that was not received would contradict the answer, so it is refused
    # then rather than stored and ignored.
    conditions = (
        OnlyWhen(
            "evidence",
            depends_on="consent_received",
            value=True,
            required_message="Select the evidence of consent.",
            forbidden_message="Leave out the evidence when consent has not been received.",
        ),
        OnlyWhen(
            "consent_received_on",
            depends_on="consent_received",
            value=True,
            required=False,
            forbidden_message="Leave out the date when consent has not been received.",
        ),
        OnlyWhen(
            "close_without_consent",
            depends_on="consent_received",
            value=False,
            required=False,
            forbidden_message="Leave this out when consent has been received.",
        ),
    )

    consent_received = StrictBoolean(
        required=True,
        metadata={"title": "Has the victim's written consent or other authority been received?"},
    )
    evidence = choice(
        CONSENT_EVIDENCE,
        CONSENT_EVIDENCE_LABELS,
        allow_none=True,
        load_default=None,
        metadata={
            "title": "What is the evidence of consent?",
            "description": "Required when consent has been received; leave it out when it has not.",
        },
    )
    # Where the council counts its limits from the completed application, the statutory clock
    # starts on this day (RULES.md §3).
    consent_received_on = DoneDate(
        default_today=True,
        metadata={
            "title": "When did the consent arrive?",
            "description": "Leave this out to use today's date. It cannot be in the future or before "
            "the application was received.",
        },
    )
    close_without_consent = StrictBoolean(
        load_default=False,
        metadata={
            "title": "Close the case as consent not given?",
            "description": "Only once the follow-up date has passed. The applicant and the victim "
            "are told by letter.",
        },
    )
    notes = notes_field()


class ScreenEligibilityForm(FormSchema):
    form_title = "Screen the application for eligibility"
    form_description = "An application that is not eligible gets a signposting letter and the case closes."
    conditions = (
        OnlyWhen(
            "reason",
            depends_on="eligible",
            value=False,
            required_message="Select why the application is not eligible.",
            forbidden_message="Leave out the reason when the application is eligible.",
        ),
    )

    eligible = StrictBoolean(
        required=True, metadata={"title": "Is the application eligible for a case review?"}
    )
    reason = choice(
        INELIGIBILITY_REASONS,
        INELIGIBILITY_REASONS,
        allow_none=True,
        load_default=None,
        metadata={
            "title": "Why is the application not eligible?",
            "description": "Required when the application is not eligible; leave it out when it is. "
            "The reason chooses the signposting letter.",
        },
    )
    notes = notes_field()


class ThresholdDecisionForm(FormSchema):
    form_title = "Decide whether the threshold is met"
    form_description = (
        "The automatic evaluation advises; you decide, and may depart from it with recorded reasons. "
        "The one exception is the Act's: where the agencies' confirmed records show enough qualifying "
        "complaints, the case review must take place (s.104(4)), so 'not met' is refused."
    )
    conditions = (
        OnlyWhen(
            "route",
            depends_on="threshold_met",
            value=True,
            required=False,
            forbidden_message="Leave out the route when the threshold is not met.",
        ),
    )

    threshold_met = StrictBoolean(
        required=True, metadata={"title": "Is the threshold for a case review met?"}
    )
    reasons = text(
        LONG_TEXT_LENGTH,
        required=True,
        metadata={
            "title": "Why?",
            "description": "Quoted in the decision letter. If you depart from the automatic evaluation, "
            "say why.",
        },
    )
    # No default: when the officer leaves it out, the engine records the evaluation's route.
    route = choice(
        ROUTES,
        ROUTE_LABELS,
        metadata={
            "title": "How is the threshold met?",
            "description": "Only when the threshold is met. Leave it out to use the route of the "
            "automatic evaluation.",
        },
    )
    # The decision is the relevant bodies' (s.104(1)): who took part is on the decision. Left
    # out, it is the bodies that answered the records check (app/services/tasks.complete_defaults).
    bodies = fields.List(
        choice(REQUEST_AGENCIES),
        # None ticked (the page sends an empty list) is the same as left out.
        validate=[validate.Length(max=len(REQUEST_AGENCIES)), no_duplicates],
        metadata={
            "title": "Which relevant bodies took part in the decision? (optional)",
            "description": "Leave out to record the bodies that checked their records.",
            "x-labels": REQUEST_AGENCY_LABELS,
            "uniqueItems": True,
        },
    )
