"""The letters a diagram can issue (the ``letter`` parameter of the ``issue_letter`` handler)."""

from __future__ import annotations

# kind -> the document's title on the case.
LETTER_TITLES: dict[str, str] = {
    "CT1": "Acknowledgement to the applicant (CT1)",
    "CT2": "Acknowledgement to the third party (CT2)",
    "CT3": "Threshold not met (CT3)",
    "CT4": "Threshold met (CT4)",
    "ineligible": "Not eligible, with signposting",
    "consent_not_given": "Closed: the victim's consent was not received",
    "review_outcome": "Outcome of the review of the threshold decision",
    "outcome": "Outcome of the case review",
    "appeal_outcome": "Outcome of the appeal",
    "action_plan_complete": "The action plan is complete",
}

# kind -> the heading printed on the letter and the e-mail's subject (after the council's name).
LETTER_HEADINGS: dict[str, str] = {
    "CT1": "We have received your Community Trigger application",
    "CT2": "We have received the Community Trigger application you made",
    "CT3": "Your Community Trigger application: the threshold for a case review is not met",
    "CT4": "Your Community Trigger application: a case review will take place",
    "ineligible": "Your Community Trigger application cannot go forward",
    "consent_not_given": "The Community Trigger application made on behalf of someone else is closed",
    "review_outcome": "The review of our decision on your Community Trigger application",
    "outcome": "The outcome of your Community Trigger case review",
    "appeal_outcome": "The outcome of your Community Trigger appeal",
    "action_plan_complete": "The actions agreed at your Community Trigger case review are complete",
}
