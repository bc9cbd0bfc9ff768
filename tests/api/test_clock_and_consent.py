"""The statutory clock, consent for anyone applying on someone else's behalf, and a duty to tell
met when the person is told (issue 11, items 3 to 5; LIFECYCLE "What the Act asks of every
variant", RULES.md §3), through the API on a frozen clock.

- Derby City counts its limits from "receiving your completed application" (guidance notes,
  lines 142-146): a third party's case whose consent arrives on the Thursday before Easter 2027
  starts its clock then, and every limit runs from it, Good Friday and Easter Monday skipped.
- Every statutory deadline is on the case from the day the clock starts; later ones as soon as
  the date they count from is known; ones no step can meet any more leave the case.
- An organisation's application waits for consent: CT2 to it, nothing else before consent, a
  follow-up date, then closed as consent not given, with a letter.
- The acknowledgement, the decision and the outcome are met on the day the letter is issued, or
  on the day of the call where the officer phoned first.
- Kensington and Chelsea's senior review of a refusal is due, and done, inside the threshold
  deadline: the refusal is told only once reviewed.
"""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.models import Case
from app.services.case_runs import run_case
from tests.factories.actors import Council
from tests.factories.cases import application, third_party_application
from tests.factories.reading import deadlines, forms, milestones, run_timers
from tests.factories.web import signed_in

PANEL = [
    {"agency": "police", "name": "PC Lee", "role": "Neighbourhood officer"},
    {"agency": "housing_provider", "name": "J. Smith", "role": "Housing officer"},
    {"agency": "council", "name": "R. Patel", "role": "ASB coordinator"},
]
# Related incidents in the six months before March 2027, each reported within a month.
INCIDENTS = [
    {"id": "a", "occurred_on": "2026-11-10", "description": "Shouting and banging at night",
     "reports": [{"agency": "police", "reported_on": "2026-11-11", "method": "phone", "reporter": "Alex"}]},
    {"id": "b", "occurred_on": "2027-01-05", "description": "Threats on the stairs by Gary Pollard",
     "reports": [{"agency": "council", "reported_on": "2027-01-06", "method": "email", "reporter": "Alex"}]},
    {"id": "c", "occurred_on": "2027-02-20", "description": "Door kicked",
     "reports": [{"agency": "housing_provider", "reported_on": "2027-02-21", "method": "writing",
                  "reporter": "Alex"}]},
]  # fmt: skip
ORGANISATION = {
    "applicant_type": "agency",
    "applicant": {"name": "Kim Officer", "organisation": "Derby Homes", "email": "kim@derbyhomes.example.org",
                  "address": "Derby Homes, 1 Housing Way, Derby"},
}  # fmt: skip


@pytest.fixture
def at(clock):
    return clock.freeze


def documents(client, council, case):
    """The letters issued on the case: (kind, recipient, issued on), oldest first."""
    response = client.get(f"/api/v1/cases/{case['id']}/documents", headers=council.as_("officer"))
    assert response.status_code == 200, response.get_json()
    return [(d["kind"], d["recipient"], d["issued_on"]) for d in response.get_json()["items"]]


def letter_text(client, council, case, kind, recipient):
    items = client.get(f"/api/v1/cases/{case['id']}/documents", headers=council.as_("officer")).get_json()
    (found,) = [d for d in items["items"] if (d["kind"], d["recipient"]) == (kind, recipient)]
    html = client.get(f"/api/v1/documents/{found['id']}", headers=council.as_("officer")).get_data(
        as_text=True
    )
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[html.index("<body") :]))


def complete_status(client, council, case, form, body, who="officer"):
    task = council.open_task(case, form)
    response = client.post(f"/api/v1/tasks/{task['id']}/complete", json=body, headers=council.as_(who))
    return response.status_code, response.get_json()


def test_derby_city_clock_starts_when_consent_arrives_before_easter(app, derby, client, at):
    # Monday 8 March 2027: a son applies for his mother, without her consent yet.
    at("2027-03-08T09:00:00+00:00")
    case = derby.open_case(third_party_application(received_on="2027-03-08", incidents=INCIDENTS))
    assert (case["received_on"], case["clock_started_on"]) == ("2027-03-08", None)
    # Only what runs from receipt: the acknowledgement (the CT2 asking for consent is part of it)
    # and the follow-up of the missing consent, 28 days on (councils.toml, to confirm).
    # And the relevant bodies' records check, which runs from receipt (s.104(3)(b)).
    assert deadlines(case) == {
        "acknowledge": ("2027-03-15", None, "pending"),
        "records_check": ("2027-03-15", None, "pending"),
        "consent_follow_up": ("2027-04-05", None, "pending"),
    }
    page = signed_in(app, "officer.derby-city@example.org").get(f"/cases/{case['id']}").get_data(as_text=True)
    assert "Statutory clock started" in page and "it starts when the victim&#39;s consent is recorded" in page

    at("2027-03-09T10:00:00+00:00")
    case = derby.complete(case, "acknowledge", {"sent_on": "2027-03-09", "method": "post"})
    case = derby.check_records(case)
    assert forms(case) == ["verify_consent"] and case["stage"] == "acknowledgement"
    case = derby.complete(case, "verify_consent", {"consent_received": False})
    assert case["clock_started_on"] is None and "threshold_decision" not in deadlines(case)

    # Thursday 25 March, the day before Good Friday: her written consent arrives and is recorded.
    at("2027-03-25T15:00:00+00:00")
    body = {"consent_received": True, "evidence": "written_consent", "consent_received_on": "2027-03-25"}
    case = derby.complete(case, "verify_consent", body)
    assert (case["received_on"], case["clock_started_on"]) == ("2027-03-08", "2027-03-25")
    # From the completed application: 15 working days skip Good Friday (26 March) and Easter
    # Monday (29 March), so 19 April, not 31 March as from receipt; 40 working days also skip
    # the early May bank holiday: 25 May, not 6 May.
    assert deadlines(case) == {
        "acknowledge": ("2027-03-15", "2027-03-09", "met"),
        "records_check": ("2027-03-15", "2027-03-09", "met"),
        "consent_follow_up": ("2027-04-05", "2027-03-25", "met"),
        "threshold_decision": ("2027-04-19", None, "pending"),
        "case_review": ("2027-05-25", None, "pending"),
    }
    assert ("consent_confirmed", "2027-03-25") in milestones(case)
    assert forms(case) == ["screen_eligibility"]

    at("2027-04-12T10:00:00+01:00")
    case = derby.complete(case, "screen_eligibility", {"eligible": True})
    assert derby.open_task(case, "threshold_decision")["due_on"] == "2027-04-19"
    case = derby.complete(case, "threshold_decision", {"threshold_met": True, "reasons": "Three incidents."})
    assert deadlines(case)["threshold_decision"] == ("2027-04-19", "2027-04-12", "met")
    # Now that consent is recorded, the son gets a copy of the decision.
    assert documents(client, derby, case)[-2:] == [
        ("CT4", "victim", "2027-04-12"),
        ("CT4", "third_party", "2027-04-12"),
    ]
    page = signed_in(app, "officer.derby-city@example.org").get(f"/cases/{case['id']}").get_data(as_text=True)
    assert "8 March 2027" in page and "25 March 2027" in page


def test_deadlines_move_when_the_clock_start_moves(app, derby, at):
    """Pending deadlines and open tasks' due dates are recomputed from the data on every run; a
    met one stays as it was."""
    at("2027-01-11T09:00:00+00:00")
    case = derby.open_case(application(received_on="2027-01-11"))
    case = derby.complete(case, "acknowledge", {"method": "email"})
    case = derby.check_records(case)
    case = derby.complete(case, "screen_eligibility", {"eligible": True})
    assert derby.open_task(case, "threshold_decision")["due_on"] == "2027-02-01"

    def restart_clock(run, workflow):  # as a corrected consent date would
        from SpiffWorkflow.util.task import TaskState

        for task in workflow.get_tasks(state=TaskState.READY, manual=True):
            task.data["clock_started_on"] = "2027-01-25"

    with app.app_context():
        row = db.session.get(Case, case["id"])
        run_case(row, "test", restart_clock)
        db.session.commit()
    case = derby.case(case["id"])
    assert case["clock_started_on"] == "2027-01-25"
    assert derby.open_task(case, "threshold_decision")["due_on"] == "2027-02-15"
    assert deadlines(case) == {
        "acknowledge": ("2027-01-18", "2027-01-11", "met"),
        "records_check": ("2027-01-18", "2027-01-11", "met"),
        "threshold_decision": ("2027-02-15", None, "pending"),
        "case_review": ("2027-03-22", None, "pending"),
    }


@pytest.mark.parametrize(
    ("method", "told_on"),
    [("letter", "2027-02-12"), ("phone_and_letter", "2027-02-11")],
    ids=["by letter: the day it is issued", "phone first: the day of the call"],
)
def test_deadlines_pending_from_the_clock_start_and_met_when_the_person_is_told(
    derby, client, at, method, told_on
):
    at("2027-01-11T09:00:00+00:00")
    case = derby.open_case(application(received_on="2027-01-11", incidents=INCIDENTS[:2] + [
        {**INCIDENTS[2], "occurred_on": "2026-12-20", "reports": [{**INCIDENTS[2]["reports"][0],
                                                                   "reported_on": "2026-12-21"}]}]))  # fmt: skip
    # Every statutory deadline from the day the clock starts, before its step opens.
    assert deadlines(case) == {
        "acknowledge": ("2027-01-18", None, "pending"),
        "records_check": ("2027-01-18", None, "pending"),
        "threshold_decision": ("2027-02-01", None, "pending"),
        "case_review": ("2027-03-08", None, "pending"),
    }

    # The officer types Monday's date on Wednesday: the acknowledgement is met when CT1 goes out.
    at("2027-01-13T10:00:00+00:00")
    case = derby.complete(case, "acknowledge", {"sent_on": "2027-01-11", "method": "post"})
    assert deadlines(case)["acknowledge"] == ("2027-01-18", "2027-01-13", "met")
    assert ("acknowledged", "2027-01-13") in milestones(case)
    assert documents(client, derby, case) == [("CT1", "applicant", "2027-01-13")]

    case = derby.check_records(case)
    case = derby.complete(case, "screen_eligibility", {"eligible": True})
    at("2027-01-20T10:00:00+00:00")
    case = derby.complete(case, "threshold_decision", {"threshold_met": True, "reasons": "Three incidents."})
    assert deadlines(case)["threshold_decision"] == ("2027-02-01", "2027-01-20", "met")
    case = derby.complete(case, "request_information", {"agencies": ["police"]})
    returned = {"summary": "Two call-outs.", "actions_taken": "Warning issued."}
    case = derby.complete(case, "return_information", returned, who="police", agency="police")
    case = derby.complete(case, "contact_victim", {"contacted_on": "2027-01-20", "victim_will_attend": True})
    assert "outcome_notification" not in deadlines(case)  # counted from a meeting not yet held

    at("2027-02-10T15:00:00+00:00")
    review = {"held_on": "2027-02-10", "panel": PANEL, "victim_attended": True, "findings": "Acted apart.",
              "chair": {"name": "Dana Chair", "organisation": "Derby CSP", "independent": True},
              "recommendations": []}  # fmt: skip
    case = derby.complete(case, "case_review", review, who="chair")
    # Known once the meeting is: within 5 days of it (guidance notes, line 152).
    assert deadlines(case)["outcome_notification"] == ("2027-02-15", None, "pending")
    assert "appeal_window" not in deadlines(case)

    # Friday 12 February: the outcome form says the victim was told on Thursday.
    at("2027-02-12T11:00:00+00:00")
    case = derby.complete(case, "notify_outcome", {"notified_on": "2027-02-11", "method": method})
    assert deadlines(case)["outcome_notification"] == ("2027-02-15", told_on, "met")
    assert ("outcome_notified", told_on) in milestones(case)
    assert documents(client, derby, case)[-1] == ("outcome", "applicant", "2027-02-12")
    assert "appeal_window" in deadlines(case)


def test_an_organisations_application_waits_for_consent_then_closes_as_not_given(derby, client, at, app):
    at("2027-01-11T09:00:00+00:00")
    case = derby.open_case(application(received_on="2027-01-11", incidents=INCIDENTS, **ORGANISATION))
    assert case["clock_started_on"] is None
    assert deadlines(case) == {
        "acknowledge": ("2027-01-18", None, "pending"),
        "records_check": ("2027-01-18", None, "pending"),
        "consent_follow_up": ("2027-02-08", None, "pending"),
    }
    at("2027-01-12T10:00:00+00:00")
    case = derby.complete(case, "acknowledge", {"method": "email"})
    # CT2 to the organisation; CT1 to the victim. CT2 asks for consent and says nothing of the case.
    assert documents(client, derby, case) == [
        ("CT1", "victim", "2027-01-12"),
        ("CT2", "third_party", "2027-01-12"),
    ]
    ct2 = letter_text(client, derby, case, "CT2", "third_party")
    assert "that your organisation made on behalf of the person affected" in ct2
    assert "We need the consent of the person you applied for" in ct2
    for private in ("Alex", "Pollard", "Threats on the stairs", "Follow your case online", "/status/"):
        assert private not in ct2, private
    assert forms(case) == ["verify_consent"]
    assert derby.open_task(case, "verify_consent")["due_on"] == "2027-02-08"

    at("2027-01-25T10:00:00+00:00")
    case = derby.complete(case, "verify_consent", {"consent_received": False})
    assert len(documents(client, derby, case)) == 2  # nothing more to anyone while consent is awaited

    # On the follow-up date itself the organisation still has time.
    at("2027-02-08T16:00:00+00:00")
    status, body = complete_status(
        client, derby, case, "verify_consent", {"consent_received": False, "close_without_consent": True}
    )
    assert status == 409
    assert "only after the follow-up date, 2027-02-08" in body["error"]["message"]
    # Closing needs consent not to have been received.
    status, body = complete_status(
        client, derby, case, "verify_consent",
        {"consent_received": True, "evidence": "other", "close_without_consent": True},
    )  # fmt: skip
    assert status == 422

    at("2027-02-09T10:00:00+00:00")
    case = derby.complete(case, "verify_consent", {"consent_received": False, "close_without_consent": True})
    assert (case["status"], case["stage"]) == ("closed", "closed")
    assert case["open_tasks"] == []
    assert milestones(case)[-1] == ("closed", "2027-02-09")
    assert "consent_confirmed" not in dict(milestones(case))
    # The bodies never answered; closing cancelled their checks (a terminate end event).
    assert deadlines(case) == {
        "acknowledge": ("2027-01-18", "2027-01-12", "met"),
        "records_check": ("2027-01-18", None, "missed"),
        "consent_follow_up": ("2027-02-08", None, "missed"),
    }
    assert documents(client, derby, case)[2:] == [
        ("consent_not_given", "victim", "2027-02-09"),
        ("consent_not_given", "third_party", "2027-02-09"),
    ]
    to_organisation = letter_text(client, derby, case, "consent_not_given", "third_party")
    assert "Dear Kim Officer" in to_organisation and "So we have closed the application" in to_organisation
    assert "by 8 February 2027" in to_organisation and "Alex" not in to_organisation
    to_victim = letter_text(client, derby, case, "consent_not_given", "victim")
    assert "made on your behalf by someone else" in to_victim and "Kim Officer" not in to_victim


def test_kensington_and_chelsea_reviews_a_refusal_inside_the_threshold_deadline(app, client, processes, at,
                                                                               monkeypatch):  # fmt: skip
    monkeypatch.setitem(app.config, "TOKEN_TTL_SECONDS", 2 * 365 * 86400)
    rbkc = Council(app, client, "kensington-and-chelsea")
    at("2027-03-01T09:00:00+00:00")
    case = rbkc.open_case(application(received_on="2027-03-01", incidents=INCIDENTS[:1]))
    assert deadlines(case)["threshold_decision"] == ("2027-03-22", None, "pending")
    case = rbkc.complete(case, "acknowledge", {"method": "email"})
    case = rbkc.check_records(case)
    case = rbkc.complete(case, "screen_eligibility", {"eligible": True})
    case = rbkc.complete(case, "contact_victim", {"contacted_on": "2027-03-01", "victim_will_attend": False})

    # The officer refuses on 10 March; nothing is told yet, the deadline is not yet met.
    at("2027-03-10T10:00:00+00:00")
    case = rbkc.complete(case, "threshold_decision", {"threshold_met": False, "reasons": "One incident."})
    assert deadlines(case)["threshold_decision"] == ("2027-03-22", None, "pending")
    review = rbkc.open_task(case, "decide_appeal")
    assert (review["name"], review["due_on"]) == (
        "Review the refusal (senior partnership officer)",
        "2027-03-22",
    )
    assert [kind for kind, _to, _on in documents(client, rbkc, case)] == ["CT1"]

    # The senior officer confirms it on 17 March: CT3 goes out, and that meets the deadline.
    at("2027-03-17T10:00:00+00:00")
    confirm = {"decided_on": "2027-03-17", "upheld": False, "reasons": "One incident in six months."}
    case = rbkc.complete(case, "decide_appeal", confirm, who="appeals")
    assert deadlines(case)["threshold_decision"] == ("2027-03-22", "2027-03-17", "met")
    assert documents(client, rbkc, case)[-1] == ("CT3", "applicant", "2027-03-17")
    # The challenge route stays open after the letter; the case review can no longer happen.
    assert deadlines(case)["review_request_window"] == ("2027-04-14", None, "pending")
    assert "case_review" not in deadlines(case)


def test_kensington_and_chelsea_escalates_a_refusal_review_left_past_the_threshold_deadline(
    app, client, processes, runner, at, monkeypatch
):
    monkeypatch.setitem(app.config, "TOKEN_TTL_SECONDS", 2 * 365 * 86400)
    rbkc = Council(app, client, "kensington-and-chelsea")
    at("2027-03-01T09:00:00+00:00")
    case = rbkc.open_case(application(received_on="2027-03-01", incidents=INCIDENTS[:1]))
    case = rbkc.complete(case, "acknowledge", {"method": "email"})
    case = rbkc.check_records(case)
    case = rbkc.complete(case, "screen_eligibility", {"eligible": True})
    case = rbkc.complete(case, "contact_victim", {"contacted_on": "2027-03-01", "victim_will_attend": False})
    at("2027-03-10T10:00:00+00:00")
    case = rbkc.complete(case, "threshold_decision", {"threshold_met": False, "reasons": "One incident."})

    # Open to the end of 22 March, the threshold deadline; then escalated to the manager, once.
    assert "fired on 0 case(s)" in run_timers(runner, "2027-03-22T23:59:00+00:00")
    assert "RBKC-2027-0001" in run_timers(runner, "2027-03-23T00:00:01+00:00")
    at("2027-03-23T09:00:00+00:00")
    case = rbkc.case(case["id"])
    assert rbkc.open_task(case, "decide_appeal")["escalated"] is True
    assert [h["detail"] for h in case["history"] if h["event"] == "escalated"] == [
        "Review the refusal (senior partnership officer): overdue, escalated to community safety manager"
    ]
    confirm = {"decided_on": "2027-03-23", "upheld": False, "reasons": "One incident in six months."}
    case = rbkc.complete(case, "decide_appeal", confirm, who="appeals")
    assert deadlines(case)["threshold_decision"] == ("2027-03-22", "2027-03-23", "missed")


@pytest.mark.parametrize("council_id", ["derby-city", "east-herts"])
def test_a_case_opened_after_its_first_limits_passed_keeps_its_data(app, client, processes, at, monkeypatch,
                                                                    council_id):  # fmt: skip
    # An application entered late (found in a post bag): its escalations fire as the case opens.
    # The process's end join then waits with no data; the case data must still be read.
    monkeypatch.setitem(app.config, "TOKEN_TTL_SECONDS", 2 * 365 * 86400)
    council = Council(app, client, council_id)
    at("2027-04-26T09:00:00+00:00")
    case = council.open_case(application(received_on="2027-03-01", incidents=INCIDENTS))
    case = council.case(case["id"])
    assert any(h["event"] == "escalated" for h in case["history"])
    assert case["clock_started_on"] == case["received_on"] == "2027-03-01"
    assert {"acknowledge", "threshold_decision", "case_review"} <= set(deadlines(case))
    assert case["threshold"]["evaluation"]["required"] == 3
