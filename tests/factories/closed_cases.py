"""Cases walked to closed through the API with personal data in every place a case holds it, for
the anonymisation and retention tests (issue 17)."""

from __future__ import annotations

from typing import Any

from tests.factories.cases import third_party_application

# Every piece of personal data the walk below types in; none may survive anonymisation.
PERSONAL = (
    "Alex Victim", "alex@example.org", "07700 900123", "1 Mill Lane", "DE1 1AA",
    "Sam Helper", "sam@example.org", "07700 900456", "2 Park Road", "DE22 3BB",
    "Barking dog at number 3", "Shouting at night", "Threats", "Door kicked", "Chris Neighbour",
    "cannot sleep", "Called twice about Chris", "Visited Alex at home", "Joint visit to Alex",
    "Agencies acted separately", "Dana Chair", "PC Lee", "still harassed", "neighbour moved",
    "Three incidents reported by Alex",
)  # fmt: skip


def personal_application(received_on: str = "2026-12-14") -> dict[str, Any]:
    body = third_party_application(
        received_on=received_on,
        applicant={"name": "Sam Helper", "email": "sam@example.org", "phone": "07700 900456",
                   "address": "2 Park Road, Derby DE22 3BB", "relationship_to_victim": "son"},
        victims=[{"name": "Alex Victim", "email": "alex@example.org", "phone": "07700 900123",
                  "address": "1 Mill Lane, Derby DE1 1AA", "vulnerable": True}],
        consent={"given": True, "evidence": "written_consent", "received_on": received_on},
        summary="Barking dog at number 3, and Chris Neighbour shouting",
        impact="Alex cannot sleep",
    )  # fmt: skip
    return body


def walk_to_closed(derby, at, day: str = "2026-12") -> dict[str, Any]:
    """A third party's application for a vulnerable victim, met, reviewed with one action (done),
    its outcome appealed and the appeal decided: closed on ``day``-21. Returns the case."""
    at(f"{day}-14T09:00:00+00:00")
    case = derby.open_case(personal_application(f"{day}-14"))
    case = derby.complete(case, "acknowledge", {"sent_on": f"{day}-14", "method": "email"})
    case = derby.complete(case, "screen_eligibility", {"eligible": True})
    case = derby.check_records(case)
    case = derby.complete(
        case, "threshold_decision", {"threshold_met": True, "reasons": "Three incidents reported by Alex."}
    )
    case = derby.complete(case, "request_information", {"agencies": ["police"]})
    case = derby.complete(
        case, "return_information", {"summary": "Called twice about Chris", "actions_taken": "Warning."},
        who="police",
    )  # fmt: skip
    case = derby.complete(case, "contact_victim", {"contacted_on": f"{day}-14", "victim_will_attend": True})
    review = {
        "held_on": f"{day}-14",
        "panel": [{"agency": "police", "name": "PC Lee", "role": "Neighbourhood officer"},
                  {"agency": "council", "name": "R. Patel", "role": "ASB coordinator"},
                  {"agency": "housing_provider", "name": "J. Smith", "role": "Housing officer"}],
        "chair": {"name": "Dana Chair", "organisation": "Derby CSP", "independent": True},
        "victim_attended": True,
        "findings": "Agencies acted separately.",
        "recommendations": [{"action": "Joint visit to Alex", "owner_agency": "police", "due_on": f"{day}-30"}],
    }  # fmt: skip
    case = derby.complete(case, "case_review", review, who="chair")
    at(f"{day}-15T09:00:00+00:00")
    case = derby.complete(case, "notify_outcome", {"notified_on": f"{day}-15", "method": "letter"})
    at(f"{day}-16T09:00:00+00:00")
    done = {"done": True, "done_on": f"{day}-16", "note": "Visited Alex at home."}
    case = derby.complete(case, "report_action", done, who="police", agency="police")
    at(f"{day}-20T09:00:00+00:00")
    response = derby.client.post(
        f"/api/v1/cases/{case['id']}/appeals",
        json={"received_on": f"{day}-20", "grounds": "Alex is still harassed."},
        headers=derby.as_("officer"),
    )
    assert response.status_code == 201, response.get_json()
    # Appealed on the victim's behalf: the victim's consent to it is checked first.
    case = derby.complete(
        response.get_json(),
        "verify_consent",
        {"consent_received": True, "evidence": "written_consent"},
        who="appeals",
    )
    at(f"{day}-21T09:00:00+00:00")
    decision = {"decided_on": f"{day}-21", "upheld": False, "reasons": "The neighbour moved."}
    case = derby.complete(case, "decide_appeal", decision, who="appeals")
    assert case["status"] == "closed", (case["stage"], [t["form"] for t in case["open_tasks"]])
    return case
