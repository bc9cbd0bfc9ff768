"""The words people read for the product's codes: agencies, report methods, channels, stages,
milestones, who applied. One vocabulary for the staff pages, the partner pages and the public
pages, so "icb" is "The NHS (integrated care board)" wherever it is shown (issue 12: "Labels come
from the product's own vocabulary"); no page prints a raw key.

Each ``*_label`` function falls back to the key in words ("housing_provider" -> "Housing
provider") for a code a council's own diagram may add, rather than failing.
"""

from __future__ import annotations

from collections.abc import Mapping

# Agencies a complaint can be reported to (app.domain.threshold.AGENCIES) and the other bodies a
# panel may include (forms/choices.py PANEL_AGENCIES). The first six are the application's words
# (app/public/pages.py).
AGENCY_LABELS = {
    "council": "The council",
    "police": "The police",
    "housing_provider": "A housing provider (landlord)",
    "icb": "The NHS (integrated care board)",
    "youth_offending": "The Youth Offending Service",
    "other": "Another organisation",
    "victim_support": "Victim support service",
    "mental_health": "Mental health service",
    "probation": "Probation service",
    "fire_and_rescue": "Fire and rescue service",
    "health": "Other health service",
    "education": "Education",
    "social_care": "Social care",
    "independent": "Independent (no agency)",
}
METHOD_LABELS = {
    "writing": "In writing (letter)",
    "email": "By e-mail",
    "phone": "By phone",
    "online": "Online form",
    "in_person_office": "In person at an office",
    "police_officer_on_duty": "To a police officer on duty",
    "onsite_discussion": "Talking to someone on site",
    "diary_sheet": "On a diary sheet",
}
# How an application arrived, to follow "Application received" (app/schemas/cases.py CHANNELS).
CHANNEL_PHRASES = {
    "online": "online",
    "email": "by e-mail",
    "phone": "by phone",
    "letter": "by letter",
    "in_person": "in person",
}
APPLICANT_TYPE_LABELS = {
    "victim": "The victim",
    "third_party": "Someone on the victim's behalf",
    "agency": "An organisation on the victim's behalf",
}
CONSENT_EVIDENCE_LABELS = {
    "written_consent": "Written consent from the victim",
    "power_of_attorney": "Power of attorney",
    "other": "Other authority",
}
# The stages a case moves through (app.engine.specs.STAGES, then closed), as staff and partners
# read them.
STAGE_LABELS = {
    "acknowledgement": "Acknowledging the application",
    "threshold": "Deciding whether the threshold is met",
    "review": "Case review",
    "outcome": "Telling the applicant the outcome",
    "monitoring": "Following the action plan through",
    "appeal": "Appeal or review of the decision",
    "closed": "Closed",
}
MILESTONE_LABELS = {
    "received": "Application received",
    "acknowledged": "Application acknowledged",
    "consent_confirmed": "Victim's consent confirmed",
    "ineligible": "Found not eligible",
    "threshold_met": "Threshold met",
    "threshold_not_met": "Threshold not met",
    "information_requested": "Information requested from the agencies",
    "information_returned": "Information returned by the agencies",
    "victim_contacted": "Victim contacted",
    "review_held": "Case review held",
    "recommendations_made": "Recommendations made",
    "outcome_notified": "Outcome sent to the applicant",
    "appeal_lodged": "Appeal or review request received",
    "appeal_decided": "Appeal or review decided",
    "closed": "Case closed",
}
DOCUMENT_RECIPIENT_LABELS = {
    "applicant": "the applicant (the victim)",
    "victim": "the victim",
    "third_party": "the person or organisation who applied",
}


def in_words(key: str) -> str:
    """A code nobody has named yet, in words: ``housing_provider`` -> ``Housing provider``."""
    return key.replace("_", " ").replace("-", " ").strip().capitalize()


def _label(labels: Mapping[str, str], key: str | None) -> str:
    if not key:
        return ""
    return labels.get(key) or in_words(key)


# The roles a user holds at a council (app.models.Role).
ROLE_LABELS = {
    "community_safety_officer": "Community safety officer",
    "community_safety_manager": "Community safety manager",
    "process_owner": "Process owner",
    "partner_agency": "Partner agency",
    "partner_manager": "Partner manager",
    "panel_chair": "Panel chair",
    "appeal_body": "Appeal body",
    "admin": "Admin",
    "data_protection": "Data protection",
}


def role_label(key: str | None) -> str:
    return _label(ROLE_LABELS, key)


def agency_label(key: str | None) -> str:
    return _label(AGENCY_LABELS, key)


def method_label(key: str | None) -> str:
    return _label(METHOD_LABELS, key)


def stage_label(key: str | None) -> str:
    return _label(STAGE_LABELS, key)


def milestone_label(key: str | None) -> str:
    return _label(MILESTONE_LABELS, key)


def applicant_type_label(key: str | None) -> str:
    return _label(APPLICANT_TYPE_LABELS, key)


def consent_evidence_label(key: str | None) -> str:
    return _label(CONSENT_EVIDENCE_LABELS, key)


def recipient_label(key: str | None) -> str:
    return _label(DOCUMENT_RECIPIENT_LABELS, key)


def channel_phrase(key: str | None) -> str:
    """``online`` -> "online", ``email`` -> "by e-mail": as "Application received online" reads."""
    return CHANNEL_PHRASES.get(key or "", f"by {in_words(key or 'unknown').lower()}")
