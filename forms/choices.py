"""The choices the forms offer, with the labels the pages show.

Codes the domain already defines (ineligibility reasons, consent evidence, threshold routes,
the agencies a complaint can be reported to) come from ``app.domain``; only the form-specific
lists are defined here.
"""

from app.domain.eligibility import CONSENT_EVIDENCE, INELIGIBILITY_REASONS
from app.domain.labels import AGENCY_LABELS, CONSENT_EVIDENCE_LABELS
from app.domain.threshold import AGENCIES, ROUTES

__all__ = [
    "ACKNOWLEDGEMENT_METHODS",
    "CONSENT_EVIDENCE",
    "CONSENT_EVIDENCE_LABELS",
    "INELIGIBILITY_REASONS",
    "OUTCOME_METHODS",
    "PANEL_AGENCIES",
    "PANEL_AGENCY_LABELS",
    "REQUEST_AGENCIES",
    "REQUEST_AGENCY_LABELS",
    "ROUTES",
    "ROUTE_LABELS",
]

ACKNOWLEDGEMENT_METHODS = {"email": "Email", "post": "Post", "phone": "Phone"}

ROUTE_LABELS = {
    "qualifying_complaints": "Enough qualifying complaints",
    "hate_incident": "A qualifying complaint about a hate incident",
    "community": "Complaints from enough different people (community rule)",
    "discretionary": "Activated by a senior officer for a vulnerable victim",
}

# The product's one vocabulary of agencies ("The NHS (integrated care board)"), as every page
# names them (issue 12).
_AGENCY_LABELS = AGENCY_LABELS

# The agencies asked for information: those a complaint can be reported to (threshold.AGENCIES,
# the youth offending team among them); "other" last, as GOV.UK lists put it.
REQUEST_AGENCIES = (*(a for a in AGENCIES if a != "other"), "other")
# A panel may also include bodies that hold no information about the complaints.
PANEL_AGENCIES = (
    *(a for a in REQUEST_AGENCIES if a != "other"),
    "victim_support",
    "mental_health",
    "probation",
    "fire_and_rescue",
    "health",
    "education",
    "social_care",
    "independent",
    "other",
)
REQUEST_AGENCY_LABELS = {code: _AGENCY_LABELS[code] for code in REQUEST_AGENCIES}
PANEL_AGENCY_LABELS = {code: _AGENCY_LABELS[code] for code in PANEL_AGENCIES}

OUTCOME_METHODS = {
    "phone_and_letter": "Phone call, then a letter",
    "letter": "Letter",
    "email": "Email",
}
