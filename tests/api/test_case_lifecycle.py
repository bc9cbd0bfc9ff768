"""A Derby City case through the API, from application to closed, on a frozen clock that crosses
Christmas and New Year: every deadline's due date and status, the milestones and the history."""

from __future__ import annotations

import pytest

from tests.factories.cases import application, third_party_application
from tests.factories.reading import (
    action_reports,
    assert_consistent,
    deadlines,
    forms,
    milestones,
    records_checks,
    run_timers,
)


def returns_due(case: dict) -> dict[str, str]:
    return {t["agency"]: t["due_on"] for t in case["open_tasks"] if t["form"] == "return_information"}


@pytest.fixture
def at(clock):
    def move(instant: str):
        clock.freeze(instant)

    return move


def test_threshold_met_review_outcome_and_the_appeal_window_expires(derby, client, runner, at):
    at("2026-12-14T09:00:00+00:00")
    case = derby.open_case(application())
    assert case["reference"] == "DER-2026-0001"
    assert case["status"] == "open" and case["stage"] == "acknowledgement"
    assert case["process"] == {"key": "community_trigger_derbyshire", "version": 1}
    assert case["threshold"]["evaluation"]["met"] is True
    # Changed with issue 11: every statutory deadline is on the case from the day the clock
    # starts (here at receipt), not only once its step opens (LIFECYCLE). The application goes
    # to every relevant body at once: the council and the police always, and the housing
    # provider a report names; each checks its records within 5 working days.
    assert case["received_on"] == case["clock_started_on"] == "2026-12-14"
    assert deadlines(case) == {
        "acknowledge": ("2026-12-21", None, "pending"),
        "records_check": ("2026-12-21", None, "pending"),
        "threshold_decision": ("2027-01-07", None, "pending"),
        "case_review": ("2027-02-11", None, "pending"),
    }
    assert milestones(case) == [("received", "2026-12-14")]
    assert forms(case) == ["acknowledge"]
    assert records_checks(case) == ["council", "housing_provider", "police"]

    at("2026-12-16T10:00:00+00:00")
    case = derby.complete(case, "acknowledge", {"sent_on": "2026-12-16", "method": "email"})
    assert deadlines(case)["acknowledge"] == ("2026-12-21", "2026-12-16", "met")
    assert forms(case) == ["screen_eligibility"]
    case = derby.check_records(case)
    assert deadlines(case)["records_check"] == ("2026-12-21", "2026-12-16", "met")
    assert records_checks(case) == []

    case = derby.complete(case, "screen_eligibility", {"eligible": True})
    assert case["stage"] == "threshold"
    assert deadlines(case)["threshold_decision"] == ("2027-01-07", None, "pending")

    at("2027-01-06T10:00:00+00:00")
    case = derby.complete(case, "threshold_decision", {"threshold_met": True, "reasons": "Three incidents."})
    assert case["threshold"]["decision"]["met"] is True
    assert case["threshold"]["decision"]["route"] == "qualifying_complaints"
    assert deadlines(case)["threshold_decision"] == ("2027-01-07", "2027-01-06", "met")
    assert forms(case) == ["request_information"]

    case = derby.complete(case, "request_information", {"agencies": ["police", "housing_provider"]})
    assert forms(case) == ["contact_victim", "return_information", "return_information"]
    # Each agency has 10 working days from the request.
    assert returns_due(case) == {"police": "2027-01-20", "housing_provider": "2027-01-20"}

    at("2027-01-11T10:00:00+00:00")
    police = {"summary": "Two call-outs.", "actions_taken": "Warning issued."}
    case = derby.complete(case, "return_information", police, who="police", agency="police")
    # Counted from the request, not from the day the case last moved.
    assert returns_due(case) == {"housing_provider": "2027-01-20"}
    assert_consistent(runner)
    case = derby.complete(case, "return_information", police, who="housing", agency="housing_provider")
    case = derby.complete(case, "contact_victim", {"contacted_on": "2027-01-11", "victim_will_attend": True})
    assert forms(case) == ["case_review"]
    assert deadlines(case)["case_review"] == ("2027-02-11", None, "pending")

    at("2027-01-20T15:00:00+00:00")
    review = {
        "held_on": "2027-01-20",
        "panel": [
            {"agency": "police", "name": "PC Lee", "role": "Neighbourhood officer"},
            {"agency": "housing_provider", "name": "J. Smith", "role": "Housing officer"},
            {"agency": "council", "name": "R. Patel", "role": "ASB coordinator"},
        ],
        "chair": {"name": "Dana Chair", "organisation": "Derby CSP", "independent": True},
        "victim_attended": True,
        "findings": "Agencies acted separately.",
        "recommendations": [{"action": "Joint visit", "owner_agency": "police", "due_on": "2027-02-15"}],
    }
    case = derby.complete(case, "case_review", review, who="chair")
    assert deadlines(case)["case_review"] == ("2027-02-11", "2027-01-20", "met")
    assert deadlines(case)["outcome_notification"] == ("2027-01-25", None, "pending")
    assert case["outcome"]["findings"] == "Agencies acted separately."

    at("2027-01-22T10:00:00+00:00")
    case = derby.complete(case, "notify_outcome", {"notified_on": "2027-01-22", "method": "phone_and_letter"})
    assert deadlines(case)["outcome_notification"] == ("2027-01-25", "2027-01-22", "met")
    assert deadlines(case)["appeal_window"] == ("2027-02-19", None, "pending")
    # Changed with issue 15: the case is monitored until the plan's one action is done, beside the
    # appeal window (tests/api/test_action_plans.py follows a plan through in full).
    assert case["stage"] == "monitoring" and forms(case) == [] and action_reports(case) == ["police"]
    at("2027-02-12T10:00:00+00:00")
    done = {"done": True, "done_on": "2027-02-12", "note": "Visited."}
    case = derby.complete(case, "report_action", done, who="police", agency="police")
    assert case["status"] == "open" and case["open_tasks"] == []
    assert_consistent(runner)  # waiting on the appeal window's timer

    # The window is open to the end of 19 February.
    assert "fired on 0 case(s)" in run_timers(runner, "2027-02-19T23:59:00+00:00")
    assert derby.case(case["id"])["status"] == "open"
    assert "DER-2026-0001" in run_timers(runner, "2027-02-20T00:00:01+00:00")
    at("2027-02-20T09:00:00+00:00")
    case = derby.case(case["id"])
    assert (case["status"], case["stage"]) == ("closed", "closed")
    assert deadlines(case)["appeal_window"] == ("2027-02-19", None, "missed")
    assert milestones(case) == [
        ("received", "2026-12-14"),
        ("acknowledged", "2026-12-16"),
        ("threshold_met", "2027-01-06"),
        ("information_requested", "2027-01-06"),
        ("information_returned", "2027-01-11"),
        ("victim_contacted", "2027-01-11"),
        ("review_held", "2027-01-20"),
        ("recommendations_made", "2027-01-20"),
        ("outcome_notified", "2027-01-22"),
        ("closed", "2027-02-20"),
    ]
    events = [h["event"] for h in case["history"]]
    assert events[0] == "case_opened"
    assert events.count("task_completed") == 13  # 10 of the case's own, and 3 bodies' records checks
    assert "letter_due" in events
    # Running the timers again changes nothing: each fires once.
    assert "fired on 0 case(s)" in run_timers(runner, "2027-03-01T00:00:00+00:00")
    assert_consistent(runner)


def test_threshold_not_met_without_a_review_closes_the_case(derby, at, app):
    at("2026-12-14T09:00:00+00:00")
    body = application(incidents=[application()["incidents"][0]])
    case = derby.open_case(body)
    assert case["threshold"]["evaluation"]["met"] is False
    case = derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "post"})
    case = derby.complete(case, "screen_eligibility", {"eligible": True})
    case = derby.check_records(case)
    case = derby.complete(
        case, "threshold_decision", {"threshold_met": False, "reasons": "One incident only."}
    )
    assert ("threshold_not_met", "2026-12-14") in milestones(case)
    if case["status"] == "open":  # the council offers a review of a refusal: the window is open
        assert case["stage"] in ("threshold", "appeal")
        assert "review_request_window" in deadlines(case)
    else:
        assert milestones(case)[-1][0] == "closed"


def test_a_third_party_application_waits_for_consent(derby, at):
    at("2026-12-14T09:00:00+00:00")
    case = derby.open_case(third_party_application())
    case = derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    assert forms(case) == ["verify_consent"]
    case = derby.complete(case, "verify_consent", {"consent_received": False})
    assert forms(case) == ["verify_consent"]  # still waiting
    assert "consent_confirmed" not in dict(milestones(case))
    case = derby.complete(case, "verify_consent", {"consent_received": True, "evidence": "written_consent"})
    assert "consent_confirmed" in dict(milestones(case))
    assert forms(case) == ["screen_eligibility"]


def test_an_ineligible_application_is_signposted_and_closed(derby, runner, at):
    at("2026-12-14T09:00:00+00:00")
    case = derby.open_case(application())
    case = derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    case = derby.complete(case, "screen_eligibility", {"eligible": False, "reason": "service_complaint"})
    # The decision can be challenged (Schedule 4, para 3): the case waits for the window to end.
    assert case["status"] == "open"
    assert deadlines(case)["ineligible_review_window"] == ("2027-01-11", None, "pending")
    run_timers(runner, "2027-01-12T00:00:01+00:00")
    case = derby.case(case["id"])
    assert case["status"] == "closed"
    assert [k for k, _ in milestones(case)][-2:] == ["ineligible", "closed"]


def _to_outcome(derby, at):
    at("2026-12-14T09:00:00+00:00")
    case = derby.open_case(application())
    case = derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    case = derby.complete(case, "screen_eligibility", {"eligible": True})
    case = derby.check_records(case)
    case = derby.complete(case, "threshold_decision", {"threshold_met": True, "reasons": "Met."})
    case = derby.complete(case, "request_information", {"agencies": ["police"]})
    case = derby.complete(case, "return_information", {"summary": "s", "actions_taken": "a"}, who="police")
    case = derby.complete(case, "contact_victim", {"contacted_on": "2026-12-14", "victim_will_attend": False})
    review = {
        "held_on": "2026-12-14",
        "panel": [{"agency": a, "name": a, "role": "member"} for a in ("police", "council", "housing_provider")],
        "chair": {"name": "C", "organisation": "CSP", "independent": False},
        "victim_attended": False, "findings": "f", "recommendations": [],
    }  # fmt: skip
    case = derby.complete(case, "case_review", review, who="chair")
    at("2026-12-15T09:00:00+00:00")
    return derby.complete(case, "notify_outcome", {"notified_on": "2026-12-15", "method": "letter"})


def test_an_appeal_lodged_in_the_window_is_decided_and_closes_the_case(derby, client, at):
    case = _to_outcome(derby, at)
    at("2026-12-20T09:00:00+00:00")
    response = client.post(
        f"/api/v1/cases/{case['id']}/appeals",
        json={"received_on": "2026-12-20", "grounds": "Actions were not enough."},
        headers=derby.as_("officer"),
    )
    assert response.status_code == 201, response.get_json()
    case = response.get_json()
    assert case["appeals"][0]["received_on"] == "2026-12-20"
    assert deadlines(case)["appeal_window"][1:] == ("2026-12-20", "met")
    assert forms(case) == ["decide_appeal"]
    at("2026-12-21T09:00:00+00:00")
    case = derby.complete(case, "decide_appeal", {"decided_on": "2026-12-21", "upheld": False, "reasons": "No."},
                          who="appeals")  # fmt: skip
    assert case["status"] == "closed"
    assert case["appeals"][0]["upheld"] is False
    assert [k for k, _ in milestones(case)][-3:] == ["appeal_lodged", "appeal_decided", "closed"]


def test_no_appeal_can_be_made_before_the_outcome_or_after_the_window(derby, client, at):
    at("2026-12-14T09:00:00+00:00")
    early = derby.open_case(application())
    body = {"received_on": "2026-12-14", "grounds": "x"}
    response = client.post(f"/api/v1/cases/{early['id']}/appeals", json=body, headers=derby.as_("officer"))
    assert response.status_code == 409
    case = _to_outcome(derby, at)
    at("2027-01-20T09:00:00+00:00")
    late = {"received_on": "2027-01-20", "grounds": "x"}  # the window closed on 12 January
    response = client.post(f"/api/v1/cases/{case['id']}/appeals", json=late, headers=derby.as_("officer"))
    assert response.status_code == 409
    assert "closed" in response.get_json()["error"]["message"]
