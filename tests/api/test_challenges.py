"""Challenges judged by when they were received (issue 11, item 6; LIFECYCLE.md "A challenge is
judged by when it was received"): an appeal or review request received inside its window is
accepted even when it is entered after the window's timer closed the case (the case reopens and
the history says why); one received after the window's last day is refused naming that day."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from tests.factories.actors import Council
from tests.factories.cases import application, third_party_application
from tests.factories.reading import deadlines, forms, milestones, run_timers


@pytest.fixture
def at(clock):
    return clock.freeze


def lodge(client, council, case, received_on, grounds="The decision is wrong."):
    return client.post(
        f"/api/v1/cases/{case['id']}/appeals",
        json={"received_on": received_on, "grounds": grounds},
        headers=council.as_("officer"),
    )


def to_outcome(derby, at):
    """A Derby City case to the outcome notified on 15 December 2026: the 28 days to appeal end
    on 12 January 2027 (derby-city-application-guidance-notes.txt, line 154)."""
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
    case = derby.complete(case, "notify_outcome", {"notified_on": "2026-12-15", "method": "letter"})
    assert deadlines(case)["appeal_window"] == ("2027-01-12", None, "pending")
    return case


def to_refusal(derby, at):
    """A Derby City refusal decided on 14 December 2026: 28 days to ask the Commissioner's office
    for a review end on 11 January 2027 (councils.toml [guidance.derbyshire.not_met_review])."""
    at("2026-12-14T09:00:00+00:00")
    case = derby.open_case(application(incidents=application()["incidents"][:1]))
    case = derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    case = derby.complete(case, "screen_eligibility", {"eligible": True})
    case = derby.check_records(case)
    case = derby.complete(case, "threshold_decision", {"threshold_met": False, "reasons": "One incident."})
    assert deadlines(case)["review_request_window"] == ("2027-01-11", None, "pending")
    return case


def test_an_appeal_received_in_time_reopens_a_case_the_window_closed(derby, client, runner, at):
    case = to_outcome(derby, at)
    assert "DER-2026-0001" in run_timers(runner, "2027-01-13T00:00:01+00:00")
    at("2027-01-18T10:00:00+00:00")
    assert derby.case(case["id"])["status"] == "closed"

    # Posted on 11 January, in the post-room until the 18th: received inside the window.
    response = lodge(client, derby, case, "2027-01-11", "The joint visit never happened.")
    assert response.status_code == 201, response.get_json()
    case = response.get_json()
    assert (case["status"], case["stage"]) == ("open", "appeal")
    assert forms(case) == ["decide_appeal"]
    assert case["appeals"][0] | {"id": 0} == {
        "id": 0, "kind": "appeal", "received_on": "2027-01-11", "grounds": "The joint visit never happened.",
        "decided_on": None, "upheld": None,
    }  # fmt: skip
    assert deadlines(case)["appeal_window"] == ("2027-01-12", "2027-01-11", "met")
    reopened = [h for h in case["history"] if h["event"] == "case_reopened"]
    assert [h["detail"] for h in reopened] == [
        "Appeal received on 11 January 2027, inside the window that ended on 12 January 2027; "
        "the window's timer had closed the case on 13 January 2027."
    ]
    # The closure stays in the record: the case was closed from the 13th until the appeal was entered.
    assert {("closed", "2027-01-13"), ("appeal_lodged", "2027-01-11")} <= set(milestones(case))

    at("2027-01-19T10:00:00+00:00")
    decision = {"decided_on": "2027-01-19", "upheld": False, "reasons": "Actions were adequate."}
    case = derby.complete(case, "decide_appeal", decision, who="appeals")
    assert case["status"] == "closed"
    assert milestones(case)[-2:] == [("appeal_decided", "2027-01-19"), ("closed", "2027-01-19")]
    assert "fired on 0 case(s)" in run_timers(runner, "2027-03-01T00:00:00+00:00")


def test_an_appeal_received_in_time_before_the_sweep_ran_is_not_lost_to_the_timer(derby, client, at):
    case = to_outcome(derby, at)
    at("2027-01-14T10:00:00+00:00")  # the window's timer is due, but no sweep has fired it yet
    response = lodge(client, derby, case, "2027-01-12")
    assert response.status_code == 201, response.get_json()
    case = response.get_json()
    assert case["status"] == "open" and forms(case) == ["decide_appeal"]
    assert "closed" not in [k for k, _ in milestones(case)]


@pytest.mark.parametrize("closed_by_timer", [False, True], ids=["case still open", "case closed"])
def test_an_appeal_received_after_the_window_is_refused_naming_its_last_day(
    derby, client, runner, at, closed_by_timer
):
    case = to_outcome(derby, at)
    if closed_by_timer:
        run_timers(runner, "2027-01-13T00:00:01+00:00")
    at("2027-01-20T10:00:00+00:00")
    response = lodge(client, derby, case, "2027-01-13")
    assert response.status_code == 409
    assert response.get_json()["error"]["message"] == (
        "The window for this appeal closed on 12 January 2027 (its last day); "
        "one received on 13 January 2027 is too late."
    )
    assert derby.case(case["id"])["appeals"] == []


def test_a_review_request_received_in_time_reopens_a_refusal_the_window_closed(derby, client, runner, at):
    case = to_refusal(derby, at)
    assert "DER-2026-0001" in run_timers(runner, "2027-01-12T00:00:01+00:00")
    at("2027-01-15T10:00:00+00:00")
    assert derby.case(case["id"])["status"] == "closed"

    response = lodge(client, derby, case, "2027-01-08", "Two more incidents were not counted.")
    assert response.status_code == 201, response.get_json()
    case = response.get_json()
    assert case["status"] == "open" and forms(case) == ["decide_appeal"]
    assert case["appeals"][0]["kind"] == "review_request"
    assert deadlines(case)["review_request_window"] == ("2027-01-11", "2027-01-08", "met")
    assert [h["detail"] for h in case["history"] if h["event"] == "case_reopened"] == [
        "Review request received on 8 January 2027, inside the window that ended on 11 January 2027; "
        "the window's timer had closed the case on 12 January 2027."
    ]
    # Upheld: the refusal is overturned and the case goes on to the review.
    decision = {"decided_on": "2027-01-15", "upheld": True, "reasons": "Three incidents qualify."}
    case = derby.complete(case, "decide_appeal", decision, who="appeals")
    assert case["status"] == "open" and forms(case) == ["request_information"]


@pytest.mark.parametrize("closed_by_timer", [False, True], ids=["case still open", "case closed"])
def test_a_review_request_received_late_is_refused_naming_the_last_day(
    derby, client, runner, at, closed_by_timer
):
    case = to_refusal(derby, at)
    if closed_by_timer:
        run_timers(runner, "2027-01-12T00:00:01+00:00")
    at("2027-01-15T10:00:00+00:00")
    response = lodge(client, derby, case, "2027-01-12")
    assert response.status_code == 409
    assert response.get_json()["error"]["message"] == (
        "The window for this review request closed on 11 January 2027 (its last day); "
        "one received on 12 January 2027 is too late."
    )


def test_a_case_closed_after_its_appeal_was_decided_takes_no_other(derby, client, at):
    case = to_outcome(derby, at)
    at("2026-12-20T10:00:00+00:00")
    assert lodge(client, derby, case, "2026-12-20").status_code == 201
    case = derby.complete(derby.case(case["id"]), "decide_appeal",
                          {"decided_on": "2026-12-20", "upheld": False, "reasons": "No."}, who="appeals")  # fmt: skip
    assert case["status"] == "closed"
    response = lodge(client, derby, case, "2026-12-20")
    assert response.status_code == 409
    assert response.get_json()["error"]["message"] == "The case is closed; no appeal can be made now."


# --- A challenge to an ineligible decision (Schedule 4, para 3), in every diagram family ---------

BASE = (Path(__file__).resolve().parents[2] / "processes" / "community_trigger.bpmn").read_text()


def letter_text(client, council, case, kind, recipient="applicant"):
    """The words of one issued letter (its HTML without tags)."""
    items = client.get(f"/api/v1/cases/{case['id']}/documents", headers=council.as_("officer")).get_json()
    (found,) = [d for d in items["items"] if (d["kind"], d["recipient"]) == (kind, recipient)]
    html = client.get(f"/api/v1/documents/{found['id']}", headers=council.as_("officer")).get_data(
        as_text=True
    )
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[html.index("<body") :]))
    return re.sub(r" ([.,;:])", r"\1", words)


def run_base_diagram(client, council):
    """Put the base diagram live for Derby City, as a version of its process (same id)."""
    key = "community_trigger_derbyshire"
    xml = BASE.replace('id="community_trigger"', f'id="{key}"').replace(
        'processRef="community_trigger"', f'processRef="{key}"'
    )
    response = client.post(f"/api/v1/processes/{key}/versions", data=xml.encode(),
                           content_type="application/xml", headers=council.as_("owner"))  # fmt: skip
    assert response.status_code == 201, response.get_json()
    number = response.get_json()["number"]
    response = client.post(f"/api/v1/processes/{key}/versions/{number}/activate",
                           json={"council": "derby-city"}, headers=council.as_("owner"))  # fmt: skip
    assert response.status_code == 200, response.get_json()


# family, council, the first forms of the eligible path, how the letter words the window
FAMILIES = [
    ("base", "derby-city", ["threshold_decision"], "must be received within 28 days"),
    ("derbyshire", "derby-city", ["threshold_decision"], "must be received within 28 days"),
    ("east_herts", "east-herts", ["threshold_decision"], "We aim to consider every review request received within 28 days"),
    ("kensington_and_chelsea", "kensington-and-chelsea", ["contact_victim"],
     "We aim to consider every review request received within 28 days"),
]  # fmt: skip


@pytest.mark.parametrize(("family", "council_id", "eligible_path", "window_words"), FAMILIES,
                         ids=[f[0] for f in FAMILIES])  # fmt: skip
def test_an_ineligible_decision_can_be_challenged_and_overturned(
    app, client, runner, processes, monkeypatch, at, family, council_id, eligible_path, window_words
):
    monkeypatch.setitem(app.config, "TOKEN_TTL_SECONDS", 2 * 365 * 86400)
    council = Council(app, client, council_id)
    if family == "base":
        run_base_diagram(client, council)
    at("2026-12-14T09:00:00+00:00")
    case = council.open_case(application())
    case = council.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    case = council.check_records(case)  # the relevant bodies answer within their 5 working days
    case = council.complete(
        case, "screen_eligibility", {"eligible": False, "reason": "repeat_without_material_change"}
    )
    assert case["status"] == "open"
    assert deadlines(case)["ineligible_review_window"] == ("2027-01-11", None, "pending")
    text = letter_text(client, council, case, "ineligible")
    assert "If you disagree with this decision" in text
    assert f"{window_words} of the date of this decision, that is by 11 January 2027." in text

    # No request by the end of the window: the case closes ...
    assert case["reference"] in run_timers(runner, "2027-01-12T00:00:01+00:00")
    at("2027-01-13T10:00:00+00:00")
    assert council.case(case["id"])["status"] == "closed"
    # ... but a request received on the 8th, entered on the 13th, reopens it.
    response = lodge(client, council, case, "2027-01-08", "Three new incidents since the last decision.")
    assert response.status_code == 201, response.get_json()
    case = response.get_json()
    assert case["status"] == "open" and forms(case) == ["decide_appeal"]
    assert case["appeals"][0]["kind"] == "review_request"
    assert deadlines(case)["ineligible_review_window"] == ("2027-01-11", "2027-01-08", "met")
    assert [h["event"] for h in case["history"]].count("case_reopened") == 1

    decision = {"decided_on": "2027-01-13", "upheld": True, "reasons": "There has been a material change."}
    case = council.complete(case, "decide_appeal", decision, who="appeals")
    assert case["status"] == "open"
    assert forms(case) == eligible_path  # goes on as an eligible application
    assert "was not eligible for a case review" in letter_text(client, council, case, "review_outcome")


def test_an_ineligible_decision_confirmed_on_review_closes_the_case(derby, client, at):
    at("2026-12-14T09:00:00+00:00")
    case = derby.open_case(application())
    case = derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    case = derby.complete(case, "screen_eligibility", {"eligible": False, "reason": "service_complaint"})
    at("2026-12-21T10:00:00+00:00")
    assert lodge(client, derby, case, "2026-12-21").status_code == 201
    decision = {"decided_on": "2026-12-21", "upheld": False, "reasons": "It is a service complaint."}
    case = derby.complete(derby.case(case["id"]), "decide_appeal", decision, who="appeals")
    assert case["status"] == "closed" and case["open_tasks"] == []
    assert milestones(case)[-2:] == [("appeal_decided", "2026-12-21"), ("closed", "2026-12-21")]
    text = letter_text(client, derby, case, "review_outcome")
    assert "was not eligible for a case review" in text and "The decision stands" in text


# --- How the letters word a challenge ------------------------------------------------------------

OPCC = "the Office of the Police and Crime Commissioner for Derbyshire"
OPCC_WEB = "online at www.derbyshire-pcc.gov.uk/Public-Information/CommunityTrigger"


def test_derbyshire_letters_send_challenges_to_the_commissioners_office_directly(derby, client, at):
    """derby-city-application-guidance-notes.txt line 154 (the OPCC, 28 days from notification, its
    web page); derbyshire-public-page.txt line 55 (a third party sends a signed consent letter)."""
    consent = {"given": True, "evidence": "written_consent"}
    at("2026-12-14T09:00:00+00:00")
    refused = derby.open_case(
        third_party_application(consent=consent, incidents=application()["incidents"][:1])
    )
    refused = derby.complete(refused, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    refused = derby.complete(refused, "screen_eligibility", {"eligible": True})
    refused = derby.check_records(refused)
    refused = derby.complete(
        refused, "threshold_decision", {"threshold_met": False, "reasons": "One incident."}
    )
    ct3 = letter_text(client, derby, refused, "CT3", "victim")
    assert f"The review is carried out by {OPCC}." in ct3
    assert f"Send your review request directly to {OPCC}, not to us: {OPCC_WEB}." in ct3
    assert "must be received within 28 days of the date of this decision, that is by 11 January 2027." in ct3
    assert "If someone else sends the review request on your behalf, they will also need to send a consent " \
           "letter signed by you with it." in ct3  # fmt: skip
    ct3_copy = letter_text(client, derby, refused, "CT3", "third_party")
    assert f"Send your review request directly to {OPCC}" in ct3_copy
    assert "As you are acting on behalf of Alex Victim, you will also need to send a consent letter signed by " \
           "Alex Victim with the review request." in ct3_copy  # fmt: skip

    derby_case = to_outcome(derby, at)
    outcome = letter_text(client, derby, derby_case, "outcome")
    assert f"Appeals are heard by {OPCC}." in outcome
    assert f"Send your appeal directly to {OPCC}, not to us: {OPCC_WEB}." in outcome
    assert (
        "must be received within 28 days of being told of the outcome, that is by 12 January 2027." in outcome
    )
    assert "we will pass your appeal on" not in outcome


def test_a_third_party_is_told_to_enclose_the_victims_consent_with_the_appeal(derby, client, at):
    at("2026-12-14T09:00:00+00:00")
    case = derby.open_case(third_party_application(consent={"given": True, "evidence": "written_consent"}))
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
    case = derby.complete(case, "notify_outcome", {"notified_on": "2026-12-14", "method": "letter"})
    copy = letter_text(client, derby, case, "outcome", "third_party")
    assert f"Send your appeal directly to {OPCC}" in copy
    assert "As you are acting on behalf of Alex Victim, you will also need to send a consent letter signed by " \
           "Alex Victim with the appeal." in copy  # fmt: skip


@pytest.mark.parametrize(
    ("council_id", "words"),
    [
        # east-herts-policy.txt s.13 states no window to appeal: councils.toml marks it to confirm.
        ("east-herts", "We aim to consider every appeal received within 28 days of being told of the outcome, "
                       "that is by 12 January 2027. Please send yours as soon as you can."),
        # Nor does rbkc-case-study.txt.
        ("kensington-and-chelsea", "We aim to consider every appeal received within 28 days of being told of "
                                   "the outcome, that is by 12 January 2027. Please send yours as soon as you can."),
    ],
)  # fmt: skip
def test_a_window_no_source_states_is_worded_as_an_aim(
    app, client, processes, monkeypatch, council_id, words
):
    from app.letters import letters_issued
    from app.services.councils import policy_for

    with app.app_context():
        council = policy_for(council_id)
        assert council.assumed("appeal.within_days")
        (letter,) = letters_issued(
            [("outcome", "issue_outcome_letter", {"notified_on": "2026-12-15", "findings": "f"})],
            council=council, reference="X-2026-0001", application=application(),
            deadlines={"appeal_window": date(2027, 1, 12)}, issued_on=date(2026, 12, 15),
        )  # fmt: skip
        from app.letters import render_html

        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", render_html(letter.snapshot)))
    assert re.sub(r" ([.,])", r"\1", text).count(words) == 1
    assert "must be received" not in text


def test_a_window_a_source_states_is_worded_as_a_limit(derby, client, at):
    case = to_outcome(derby, at)
    text = letter_text(client, derby, case, "outcome")
    assert "Your appeal must be received within 28 days of being told of the outcome" in text
    assert "We aim to" not in text
