"""Letters' facts for tests: a Derby City application with names of other people in it, and the
case data each kind of letter is issued with."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from app.councils import DEFAULT_COUNCILS_PATH, load_councils
from app.letters import LetterFacts

COUNCILS = load_councils(DEFAULT_COUNCILS_PATH)

# Names that must never reach a letter to the victim: the person complained about (only in the
# free text), a neighbour who reported an incident, the panel and its chair.
PERPETRATOR = "Gary Pollard"
REPORTER = "Pat Neighbour"
PANEL = ("PC Lee", "Jo Smithers", "Ravi Patel")
CHAIR = "Dana Whitfield"
OTHER_PEOPLE = (PERPETRATOR, "Pollard", REPORTER, *PANEL, "Smithers", "Patel", CHAIR, "Whitfield")

APPLICATION: dict[str, Any] = {
    "received_on": "2026-12-14",
    "channel": "online",
    "applicant_type": "victim",
    "victims": [{"name": "Alex Victim", "email": "alex@example.org",
                 "address": "Flat 2, 10 Example Road, Derby, DE1 1AA", "vulnerable": True}],
    "summary": f"{PERPETRATOR} from number 14 shouts and threatens me",
    "incidents": [
        {"id": "a", "occurred_on": "2026-09-01", "description": f"{PERPETRATOR} shouted at night",
         "reports": [{"agency": "police", "reported_on": "2026-09-02", "method": "phone", "reporter": REPORTER}]},
        {"id": "b", "occurred_on": "2026-10-10", "description": "Threats by Mr Pollard at the door",
         "reports": [{"agency": "council", "reported_on": "2026-10-12", "method": "email", "reporter": "Alex"}]},
        {"id": "c", "occurred_on": "2026-11-20", "description": "Door kicked",
         "reports": [{"agency": "housing_provider", "reported_on": "2026-11-21", "method": "writing",
                      "reporter": "Alex"}]},
    ],
    "declaration": True,
}  # fmt: skip

THIRD_PARTY = {
    "applicant_type": "third_party",
    "applicant": {"name": "Sam Helper", "email": "sam@example.org", "address": "3 Other Street, Derby",
                  "relationship_to_victim": "son"},
    "consent": {"given": False},
}  # fmt: skip

REVIEW = {
    "held_on": "2027-01-20",
    "panel": [
        {"agency": "police", "name": PANEL[0], "role": "Neighbourhood officer"},
        {"agency": "housing_provider", "name": PANEL[1], "role": "Housing officer"},
        {"agency": "council", "name": PANEL[2], "role": "ASB coordinator"},
    ],
    "chair": {"name": CHAIR, "organisation": "Derby CSP", "independent": True},
    "victim_attended": True,
    "findings": f"Agencies acted separately. {PERPETRATOR} was spoken to by PC Lee, and Mr Pollard "
    f"(07700 900123) denied it. {CHAIR} noted that Alex Victim's diary was detailed.",
    "recommendations": [
        {"action": "Joint visit by police and housing to Mr Pollard", "owner_agency": "police", "due_on": "2027-02-15"},
        {"action": "Install a door camera for the victim", "owner_agency": "housing_provider", "due_on": "2027-03-01"},
    ],
    "notified_on": "2027-01-22",
}  # fmt: skip

DATA: dict[str, dict[str, Any]] = {
    "CT1": {"consent_given": True},
    "CT2": {"consent_given": False},
    "CT3": {"threshold_met": False, "threshold_decision_done_on": "2026-12-18",
            "reasons": f"Only one incident was reported in time. {REPORTER}'s report came late.",
            "threshold": {"met": False, "explanation": "1 of the 3 qualifying complaints needed: the incident of 10 October 2026 "
                                         "was reported 40 days after it happened, more than 1 month."}},
    "CT4": {"threshold_met": True, "reasons": "Met."},
    "ineligible": {"eligible": False, "reason": "service_complaint"},
    "consent_not_given": {"consent_received": False, "close_without_consent": True},
    "review_outcome": {"decided_on": "2027-01-08", "upheld": False,
                       "reasons": f"The reviewer agreed: {PERPETRATOR}'s behaviour was reported too late."},
    "outcome": REVIEW,
    "appeal_outcome": {**REVIEW, "decided_on": "2027-02-10", "upheld": True,
                       "reasons": f"The panel did not hear from {PANEL[1]} of the housing provider.",
                       "further_actions": [{"action": "Housing to review the tenancy of Mr Pollard",
                                            "owner_agency": "housing_provider", "due_on": "2027-03-10"}]},
    # Issue 15: the diagram numbers the recommendations (actions) and each follow-up's report.
    "action_plan_complete": {**REVIEW,
        "actions": [{**action, "number": n} for n, action in enumerate(REVIEW["recommendations"], start=1)],
        "action_reports": [
            {"number": 1, "done": True, "closed": False, "done_on": "2027-02-12",
             "note": "Visited Mr Pollard with PC Lee; a warning was given."},
            {"number": 2, "done": False, "closed": True, "done_on": None,
             "note": "The landlord is replacing the door in the refurbishment."},
        ]},
}  # fmt: skip


def application(**overrides: Any) -> dict[str, Any]:
    body = copy.deepcopy(APPLICATION)
    body.update(overrides)
    return body


def facts(
    kind: str, council_id: str = "derby-city", app_body: dict | None = None, **data: Any
) -> LetterFacts:
    return LetterFacts(
        kind=kind,
        council=COUNCILS.get(council_id),
        reference="DER-2026-0001",
        application=app_body if app_body is not None else application(),
        data={**copy.deepcopy(DATA[kind]), **data},
        deadlines={"review_request_window": date(2027, 1, 15), "appeal_window": date(2027, 2, 19)},
        issued_on=date(2026, 12, 18),
    )
