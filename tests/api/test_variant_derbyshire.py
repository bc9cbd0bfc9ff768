"""Derbyshire's county-wide process (processes/community_trigger_derbyshire.bpmn) through the API,
for a district council, on a frozen clock that crosses Easter 2027 (Good Friday 26 March, Easter
Monday 29 March) and the early May bank holiday (3 May): acknowledge within 5 working days, the
decision within 15, the case review within 40 working days of receipt, the outcome within 5 days
of the meeting, and the appeal to the Police and Crime Commissioner within 28 days of being
notified, which a third party makes with the victim's signed consent letter. Every deadline's due
date and status, the milestones and the letters issued (``GET /api/v1/cases/{id}/documents``) are
asserted; a late acknowledgement is escalated and missed."""

from __future__ import annotations

import re

import pytest

from tests.factories.actors import Council
from tests.factories.cases import third_party_application
from tests.factories.reading import (
    action_reports,
    assert_consistent,
    deadlines,
    forms,
    milestones,
    run_timers,
)

# Three related incidents in the six months before 22 March 2027, each reported within a month;
# the third to the health service (an Integrated Care Board), which Derbyshire counts.
INCIDENTS = [
    {"id": "a", "occurred_on": "2026-11-10", "description": "Shouting and banging at night",
     "reports": [{"agency": "police", "reported_on": "2026-11-11", "method": "phone", "reporter": "Alex"}]},
    {"id": "b", "occurred_on": "2027-01-05", "description": "Threats on the stairs",
     "reports": [{"agency": "council", "reported_on": "2027-01-06", "method": "email", "reporter": "Alex"}]},
    {"id": "c", "occurred_on": "2027-02-20", "description": "Harassment at the surgery car park",
     "reports": [{"agency": "icb", "reported_on": "2027-02-21", "method": "writing", "reporter": "Alex"}]},
]  # fmt: skip
CONSENT = {"given": True, "evidence": "written_consent", "received_on": "2027-03-22"}
PANEL = [
    {"agency": "police", "name": "PC Lee", "role": "Neighbourhood officer"},
    {"agency": "housing_provider", "name": "J. Smith", "role": "Housing officer"},
    {"agency": "council", "name": "R. Patel", "role": "ASB officer"},
]
LABELS = {
    "acknowledge": "Acknowledge the completed application",
    "records_check": "Check the agency's records of the reported complaints",
    "threshold_decision": "Decide whether the threshold is met",
    "case_review": "Hold the ASB Case Review meeting",
    "outcome_notification": "Inform the victim of the outcome and action plan",
    "appeal_window": "Window to appeal to the PCC expired",
    "review_request_window": "Window to appeal the refusal to the PCC expired",
}


def tasks(case):
    """The open tasks of the case's own path (the plan's action reports run beside it, issue 15)."""
    return sorted(
        (t["form"], t["role"], t["name"]) for t in case["open_tasks"] if t["form"] != "report_action"
    )


def documents(client, council, case):
    """The letters issued on the case: (kind, recipient, issued on), oldest first."""
    response = client.get(f"/api/v1/cases/{case['id']}/documents", headers=council.as_("officer"))
    assert response.status_code == 200, response.get_json()
    return [(d["kind"], d["recipient"], d["issued_on"]) for d in response.get_json()["items"]]


def letter_text(client, council, case, kind, recipient="victim"):
    """The words of one issued letter (its HTML without tags)."""
    items = client.get(f"/api/v1/cases/{case['id']}/documents", headers=council.as_("officer")).get_json()
    (found,) = [d for d in items["items"] if (d["kind"], d["recipient"]) == (kind, recipient)]
    html = client.get(f"/api/v1/documents/{found['id']}", headers=council.as_("officer")).get_data(
        as_text=True
    )
    body = html[html.index("<body") :]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


@pytest.fixture
def council(app, client, processes, monkeypatch):
    """Staff, partners and the PCC's appeal officer of one Derbyshire district, with tokens that
    outlive a case's months."""
    monkeypatch.setitem(app.config, "TOKEN_TTL_SECONDS", 2 * 365 * 86400)

    def make(council_id: str) -> Council:
        return Council(app, client, council_id)

    return make


@pytest.fixture
def at(clock):
    return clock.freeze


def lodge_appeal(client, council, case, received_on, grounds):
    response = client.post(
        f"/api/v1/cases/{case['id']}/appeals",
        json={"received_on": received_on, "grounds": grounds},
        headers=council.as_("officer"),
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_erewash_third_party_case_over_easter_to_the_pcc_appeal(council, client, runner, at):
    erewash = council("erewash")
    # The working-days calendar the deadlines use skips Easter.
    response = client.get(
        "/api/v1/calendar/working-days?from=2027-03-22&days=5&council=erewash", headers=erewash.as_("officer")
    )
    assert response.get_json()["due_on"] == "2027-03-31"
    assert [(s["date"], s["reason"]) for s in response.get_json()["skipped"]] == [
        ("2027-03-26", "bank holiday: Good Friday"),
        ("2027-03-27", "weekend (Saturday)"),
        ("2027-03-28", "weekend (Sunday)"),
        ("2027-03-29", "bank holiday: Easter Monday"),
    ]

    # Monday 22 March: a son applies for his mother, with her written consent.
    at("2027-03-22T09:00:00+00:00")
    case = erewash.open_case(
        third_party_application(received_on="2027-03-22", incidents=INCIDENTS, consent=CONSENT)
    )
    assert case["reference"] == "ERE-2027-0001"
    assert case["process"] == {"key": "community_trigger_derbyshire", "version": 1}
    assert case["threshold"]["evaluation"]["met"] is True
    assert case["threshold"]["evaluation"]["qualifying_count"] == 3  # the ICB report counts here
    # 5 working days: without Easter this would be Monday 29 March. Changed with issue 11: the
    # consent came with the application, so the clock starts at receipt and every statutory
    # deadline is on the case at once (LIFECYCLE). The application goes to every relevant body at
    # once (s.104(3)(b)): the council's own check is its officers', the police's and the ICB's
    # their partners'; 5 working days (assumed).
    assert case["clock_started_on"] == "2027-03-22"
    assert deadlines(case) == {
        "acknowledge": ("2027-03-31", None, "pending"),
        "records_check": ("2027-03-31", None, "pending"),
        "threshold_decision": ("2027-04-14", None, "pending"),
        "case_review": ("2027-05-20", None, "pending"),
    }
    assert {d["key"]: d["label"] for d in case["deadlines"]} == {k: LABELS[k] for k in deadlines(case)}
    check = LABELS["records_check"]
    assert tasks(case) == [
        ("acknowledge", "community_safety_officer", "Acknowledge the completed application"),
        ("confirm_reports", "community_safety_officer", check),
        ("confirm_reports", "partner_agency", check),
        ("confirm_reports", "partner_agency", check),
    ]
    assert milestones(case) == [("received", "2027-03-22")]
    assert documents(client, erewash, case) == []

    # Tuesday 30 March, after the Easter weekend: acknowledged; CT1 and CT2 go out; the consent
    # sent with the application is confirmed, so screening comes next.
    at("2027-03-30T10:00:00+01:00")
    case = erewash.complete(case, "acknowledge", {"sent_on": "2027-03-30", "method": "email"})
    assert deadlines(case)["acknowledge"] == ("2027-03-31", "2027-03-30", "met")
    assert documents(client, erewash, case) == [
        ("CT1", "victim", "2027-03-30"),
        ("CT2", "third_party", "2027-03-30"),
    ]
    # The consent arrived with the application (issue 11: the milestone is dated when it arrived).
    assert {"consent_confirmed": "2027-03-22", "acknowledged": "2027-03-30"}.items() <= dict(
        milestones(case)
    ).items()
    assert forms(case) == ["screen_eligibility"]
    case = erewash.check_records(case)
    assert deadlines(case)["records_check"] == ("2027-03-31", "2027-03-30", "met")
    case = erewash.complete(case, "screen_eligibility", {"eligible": True})
    assert case["stage"] == "threshold"
    # 15 working days from receipt: without Easter, Monday 12 April.
    assert deadlines(case)["threshold_decision"] == ("2027-04-14", None, "pending")

    # Wednesday 14 April, the last day: met; CT4 goes out.
    at("2027-04-14T15:00:00+01:00")
    case = erewash.complete(
        case, "threshold_decision", {"threshold_met": True, "reasons": "Three incidents."}
    )
    assert deadlines(case)["threshold_decision"] == ("2027-04-14", "2027-04-14", "met")
    assert documents(client, erewash, case)[-2:] == [
        ("CT4", "victim", "2027-04-14"),
        ("CT4", "third_party", "2027-04-14"),
    ]
    assert forms(case) == ["request_information"]
    case = erewash.complete(case, "request_information", {"agencies": ["police", "housing_provider"]})
    assert tasks(case) == [
        ("contact_victim", "community_safety_officer", "Invite the victim to the case review meeting"),
        ("return_information", "partner_agency", "Return the agency's information"),
        ("return_information", "partner_agency", "Return the agency's information"),
    ]

    at("2027-04-19T10:00:00+01:00")
    returned = {"summary": "Two call-outs.", "actions_taken": "Warning issued."}
    case = erewash.complete(case, "return_information", returned, who="police", agency="police")
    case = erewash.complete(case, "return_information", returned, who="housing", agency="housing_provider")
    at("2027-04-20T10:00:00+01:00")
    invited = {
        "contacted_on": "2027-04-20",
        "victim_will_attend": False,
        "impact_statement": "I cannot sleep.",
    }
    case = erewash.complete(case, "contact_victim", invited)
    assert forms(case) == ["case_review"]
    # 40 working days from receipt, over Easter and the May Day bank holiday (3 May).
    assert deadlines(case)["case_review"] == ("2027-05-20", None, "pending")

    # Thursday 20 May, the last day: the review meeting, with an independent chair.
    at("2027-05-20T16:00:00+01:00")
    review = {
        "held_on": "2027-05-20",
        "panel": PANEL,
        "chair": {"name": "Dana Chair", "organisation": "Derbyshire CSP", "independent": True},
        "victim_attended": False,
        "findings": "Agencies acted separately.",
        "recommendations": [{"action": "Joint visit", "owner_agency": "police", "due_on": "2027-06-15"}],
    }
    case = erewash.complete(case, "case_review", review, who="chair")
    assert deadlines(case)["case_review"] == ("2027-05-20", "2027-05-20", "met")
    # Within 5 days of the meeting (calendar days).
    assert deadlines(case)["outcome_notification"] == ("2027-05-25", None, "pending")

    at("2027-05-25T11:00:00+01:00")
    case = erewash.complete(
        case, "notify_outcome", {"notified_on": "2027-05-25", "method": "phone_and_letter"}
    )
    assert deadlines(case)["outcome_notification"] == ("2027-05-25", "2027-05-25", "met")
    assert documents(client, erewash, case)[-2:] == [
        ("outcome", "victim", "2027-05-25"),
        ("outcome", "third_party", "2027-05-25"),
    ]
    outcome = letter_text(client, erewash, case, "outcome")
    assert "Appeals are heard by the Office of the Police and Crime Commissioner for Derbyshire" in outcome
    assert "by 22 June 2027" in outcome
    # 28 days from the notification to appeal to the Police and Crime Commissioner.
    assert deadlines(case)["appeal_window"] == ("2027-06-22", None, "pending")
    # Issue 15: the plan's action is monitored beside the appeal window.
    assert case["stage"] == "monitoring" and action_reports(case) == ["police"]
    assert "fired on 0 case(s)" in run_timers(runner, "2027-06-14T08:00:00+00:00")

    # Monday 14 June: the son appeals to the PCC; his mother's signed consent letter is not with it.
    at("2027-06-14T09:00:00+01:00")
    case = lodge_appeal(client, erewash, case, "2027-06-14", "The joint visit never happened.")
    assert [(a["kind"], a["received_on"]) for a in case["appeals"]] == [("appeal", "2027-06-14")]
    assert deadlines(case)["appeal_window"] == ("2027-06-22", "2027-06-14", "met")
    assert case["stage"] == "appeal"
    assert tasks(case) == [
        ("verify_consent", "appeal_body", "Check the victim's signed consent to the appeal")
    ]
    at("2027-06-15T09:00:00+01:00")
    case = erewash.complete(case, "verify_consent", {"consent_received": False}, who="appeals")
    assert forms(case) == ["verify_consent"]  # the PCC waits for the letter
    at("2027-06-21T09:00:00+01:00")
    case = erewash.complete(
        case, "verify_consent", {"consent_received": True, "evidence": "written_consent"}, who="appeals"
    )
    assert tasks(case) == [
        ("decide_appeal", "appeal_body", "Decide the appeal (Police and Crime Commissioner)")
    ]

    at("2027-07-02T12:00:00+01:00")
    decision = {
        "decided_on": "2027-07-02",
        "upheld": True,
        "reasons": "The agreed joint visit must take place.",
        "further_actions": [{"action": "Joint visit", "owner_agency": "police", "due_on": "2027-07-16"}],
    }
    # The joint visit never happened: a manager closes the action, replaced by the appeal's own.
    closed = client.post(
        f"/api/v1/cases/{case['id']}/actions/1/close",
        json={"reason": "Replaced by the further action the appeal decided."},
        headers=erewash.as_("manager"),
    )
    assert closed.status_code == 200, closed.get_json()
    case = erewash.complete(case, "decide_appeal", decision, who="appeals")
    assert case["appeals"][0]["upheld"] is True
    # The appeal's further action joins the plan (issue 15): the police are tasked with it, due on
    # its date, and the case is monitored until it is done.
    assert (case["status"], case["stage"]) == ("open", "monitoring")
    assert [(t["form"], t["agency"], t["due_on"]) for t in case["open_tasks"]] == [
        ("report_action", "police", "2027-07-16")
    ]
    at("2027-07-09T12:00:00+01:00")
    done = {"done": True, "done_on": "2027-07-09", "note": "Joint visit made."}
    case = erewash.complete(case, "report_action", done, who="police", agency="police")
    assert (case["status"], case["stage"]) == ("closed", "closed")
    assert deadlines(case) == {
        "acknowledge": ("2027-03-31", "2027-03-30", "met"),
        "records_check": ("2027-03-31", "2027-03-30", "met"),
        "threshold_decision": ("2027-04-14", "2027-04-14", "met"),
        "case_review": ("2027-05-20", "2027-05-20", "met"),
        "outcome_notification": ("2027-05-25", "2027-05-25", "met"),
        "appeal_window": ("2027-06-22", "2027-06-14", "met"),
    }
    assert {d["key"]: d["label"] for d in case["deadlines"]} == {k: LABELS[k] for k in deadlines(case)}
    assert milestones(case) == [
        ("received", "2027-03-22"),
        ("consent_confirmed", "2027-03-22"),
        ("acknowledged", "2027-03-30"),
        ("threshold_met", "2027-04-14"),
        ("information_requested", "2027-04-14"),
        ("information_returned", "2027-04-19"),
        ("victim_contacted", "2027-04-20"),
        ("review_held", "2027-05-20"),
        ("recommendations_made", "2027-05-20"),
        ("outcome_notified", "2027-05-25"),
        ("appeal_lodged", "2027-06-14"),
        ("appeal_decided", "2027-07-02"),
        ("closed", "2027-07-09"),
    ]
    assert documents(client, erewash, case) == [
        ("CT1", "victim", "2027-03-30"),
        ("CT2", "third_party", "2027-03-30"),
        ("CT4", "victim", "2027-04-14"),
        ("CT4", "third_party", "2027-04-14"),
        ("outcome", "victim", "2027-05-25"),
        ("outcome", "third_party", "2027-05-25"),
        ("action_plan_complete", "victim", "2027-07-02"),
        ("action_plan_complete", "third_party", "2027-07-02"),
        ("appeal_outcome", "victim", "2027-07-02"),
        ("appeal_outcome", "third_party", "2027-07-02"),
        ("action_plan_complete", "victim", "2027-07-09"),
        ("action_plan_complete", "third_party", "2027-07-09"),
    ]
    decided = letter_text(client, erewash, case, "appeal_outcome")
    assert "considered by the Office of the Police and Crime Commissioner for Derbyshire" in decided
    assert "Your appeal has been upheld" in decided
    events = [h["event"] for h in case["history"]]
    assert events.count("task_completed") == 16  # 3 records checks, the appeal's further action
    # The joint visit, due on 15 June and never done, escalated once before the manager closed it.
    assert events.count("escalated") == 1 and events.count("action_closed") == 1
    assert "fired on 0 case(s)" in run_timers(runner, "2027-08-01T00:00:00+00:00")
    assert_consistent(runner)


def test_a_refused_third_party_appeals_to_the_pcc_with_the_consent_letter(council, client, at):
    bolsover = council("bolsover")
    at("2027-03-22T09:00:00+00:00")
    body = third_party_application(received_on="2027-03-22", incidents=INCIDENTS[:1], consent=CONSENT)
    case = bolsover.open_case(body)
    assert case["reference"] == "BOL-2027-0001"
    assert case["process"]["key"] == "community_trigger_derbyshire"
    at("2027-03-30T09:00:00+01:00")
    case = bolsover.complete(case, "acknowledge", {"sent_on": "2027-03-30", "method": "post"})
    case = bolsover.complete(case, "screen_eligibility", {"eligible": True})
    at("2027-04-09T09:00:00+01:00")
    case = bolsover.check_records(case)
    case = bolsover.complete(case, "threshold_decision", {"threshold_met": False, "reasons": "One incident."})
    assert deadlines(case)["threshold_decision"] == ("2027-04-14", "2027-04-09", "met")
    assert documents(client, bolsover, case)[-2:] == [
        ("CT3", "victim", "2027-04-09"),
        ("CT3", "third_party", "2027-04-09"),
    ]
    # 28 days from the decision to appeal the refusal to the PCC.
    assert deadlines(case)["review_request_window"] == ("2027-05-07", None, "pending")
    assert {d["key"]: d["label"] for d in case["deadlines"]}["review_request_window"] == LABELS[
        "review_request_window"
    ]

    at("2027-05-04T09:00:00+01:00")  # the day after the May Day bank holiday
    case = lodge_appeal(client, bolsover, case, "2027-05-04", "Two more incidents were not counted.")
    assert case["appeals"][0]["kind"] == "review_request"
    assert deadlines(case)["review_request_window"] == ("2027-05-07", "2027-05-04", "met")
    assert tasks(case) == [
        ("verify_consent", "appeal_body", "Check the victim's signed consent (refusal appeal)")
    ]
    case = bolsover.complete(
        case, "verify_consent", {"consent_received": True, "evidence": "written_consent"}, who="appeals"
    )
    assert tasks(case) == [("decide_appeal", "appeal_body", "Decide the appeal against the refusal (PCC)")]
    at("2027-05-12T09:00:00+01:00")
    case = bolsover.complete(
        case,
        "decide_appeal",
        {"decided_on": "2027-05-12", "upheld": False, "reasons": "Still one."},
        who="appeals",
    )
    assert (case["status"], case["stage"]) == ("closed", "closed")
    assert [k for k, _ in milestones(case)] == [
        "received", "consent_confirmed", "acknowledged", "threshold_not_met",
        "appeal_lodged", "appeal_decided", "closed",
    ]  # fmt: skip
    assert milestones(case)[-3:] == [
        ("appeal_lodged", "2027-05-04"), ("appeal_decided", "2027-05-12"), ("closed", "2027-05-12")
    ]  # fmt: skip
    assert documents(client, bolsover, case) == [
        ("CT1", "victim", "2027-03-30"),
        ("CT2", "third_party", "2027-03-30"),
        ("CT3", "victim", "2027-04-09"),
        ("CT3", "third_party", "2027-04-09"),
        ("review_outcome", "victim", "2027-05-12"),
        ("review_outcome", "third_party", "2027-05-12"),
    ]


def test_an_organisation_appealing_for_the_victim_is_asked_for_the_consent_letter_too(council, client, at):
    # Anyone applying for the victim, a third party or an organisation, needs the victim's signed
    # consent with an appeal to the PCC (derbyshire-public-page.txt, line 55; RULES.md §3).
    erewash = council("erewash")
    at("2027-03-22T09:00:00+00:00")
    applicant = {"name": "Jo Advocate", "email": "jo@example.org", "organisation": "Victim Support"}
    body = third_party_application(
        received_on="2027-03-22", incidents=INCIDENTS[:1], consent=CONSENT,
        applicant_type="agency", applicant=applicant,
    )  # fmt: skip
    case = erewash.open_case(body)
    at("2027-03-30T09:00:00+01:00")
    case = erewash.complete(case, "acknowledge", {"sent_on": "2027-03-30", "method": "post"})
    case = erewash.complete(case, "screen_eligibility", {"eligible": True})
    at("2027-04-09T09:00:00+01:00")
    case = erewash.check_records(case)
    case = erewash.complete(case, "threshold_decision", {"threshold_met": False, "reasons": "One incident."})
    at("2027-05-04T09:00:00+01:00")
    case = lodge_appeal(client, erewash, case, "2027-05-04", "Two more incidents were not counted.")
    assert tasks(case) == [
        ("verify_consent", "appeal_body", "Check the victim's signed consent (refusal appeal)")
    ]


def test_a_late_acknowledgement_over_easter_is_escalated_and_missed(council, client, runner, at):
    high_peak = council("high-peak")
    # Thursday 25 March: 5 working days skip Good Friday and Easter Monday, so Monday 5 April.
    at("2027-03-25T09:00:00+00:00")
    case = high_peak.open_case(third_party_application(received_on="2027-03-25", incidents=INCIDENTS,
                                                       consent=CONSENT))  # fmt: skip
    assert case["reference"] == "HPK-2027-0001"
    # The relevant bodies check their records the same day; only the acknowledgement is late.
    case = high_peak.check_records(case)
    assert deadlines(case) == {
        "acknowledge": ("2027-04-05", None, "pending"),
        "records_check": ("2027-04-05", "2027-03-25", "met"),
        "threshold_decision": ("2027-04-19", None, "pending"),
        "case_review": ("2027-05-25", None, "pending"),
    }

    # Open until the end of 5 April, local time (BST: 23:00 UTC).
    assert "fired on 0 case(s)" in run_timers(runner, "2027-04-05T22:59:00+00:00")
    assert "HPK-2027-0001" in run_timers(runner, "2027-04-05T23:00:01+00:00")
    at("2027-04-06T09:00:00+01:00")
    case = high_peak.case(case["id"], who="manager")
    assert deadlines(case)["acknowledge"] == ("2027-04-05", None, "missed")
    assert [(t["form"], t["escalated"], t["overdue"]) for t in case["open_tasks"]] == [
        ("acknowledge", True, True)
    ]
    escalated = [h["detail"] for h in case["history"] if h["event"] == "escalated"]
    assert escalated == [
        "Acknowledge the completed application: overdue, escalated to community safety manager"
    ]

    # The manager acknowledges a day late: the deadline stays missed.
    case = high_peak.complete(
        case, "acknowledge", {"sent_on": "2027-04-06", "method": "email"}, who="manager"
    )
    assert deadlines(case)["acknowledge"] == ("2027-04-05", "2027-04-06", "missed")
    assert milestones(case)[:2] == [("received", "2027-03-25"), ("acknowledged", "2027-04-06")]
    assert documents(client, high_peak, case) == [
        ("CT1", "victim", "2027-04-06"),
        ("CT2", "third_party", "2027-04-06"),
    ]
    # Screening has no limit of its own; the 15 working days run from receipt: 19 April.
    case = high_peak.complete(case, "screen_eligibility", {"eligible": True})
    assert deadlines(case)["threshold_decision"] == ("2027-04-19", None, "pending")
