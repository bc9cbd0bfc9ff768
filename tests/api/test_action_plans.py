"""Issue 15: a Derby City case's action plan followed through to the end, through the API.

Three actions, owned by the police, the council and a housing provider: the police's is done on
time (after a progress report), the council's is done late (it escalates once, to the manager and
the owning agency), the housing provider's is closed undone by a manager with a reason the victim
sees. The case is in the ``monitoring`` stage until every action is done or closed, the appeal
window runs alongside, and the case closes only when both are over.
"""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.api.test_documents import documents, download
from tests.factories.cases import application
from tests.factories.reading import assert_consistent, deadlines, milestones, run_timers
from tests.letters.pdf import html_text, pdf_text

PANEL = [
    {"agency": "police", "name": "PC Lee", "role": "Neighbourhood officer"},
    {"agency": "housing_provider", "name": "J. Smith", "role": "Housing officer"},
    {"agency": "council", "name": "R. Patel", "role": "ASB coordinator"},
]
CHAIR = {"name": "Dana Chair", "organisation": "Derby CSP", "independent": True}


@pytest.fixture
def at(clock):
    return clock.freeze


def reviewed(derby, at, recommendations):
    """A Derby City case from application to the outcome told on 22 January 2027 (appeal window
    to 19 February), with these recommendations."""
    at("2026-12-14T09:00:00+00:00")
    case = derby.open_case(application())
    case = derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    case = derby.check_records(case)
    case = derby.complete(case, "screen_eligibility", {"eligible": True})
    at("2027-01-06T10:00:00+00:00")
    case = derby.complete(case, "threshold_decision", {"threshold_met": True, "reasons": "Three incidents."})
    case = derby.complete(case, "request_information", {"agencies": ["police"]})
    returned = {"summary": "Two call-outs.", "actions_taken": "Warning issued."}
    case = derby.complete(case, "return_information", returned, who="police", agency="police")
    case = derby.complete(case, "contact_victim", {"contacted_on": "2027-01-06", "victim_will_attend": True})
    at("2027-01-20T15:00:00+00:00")
    review = {
        "held_on": "2027-01-20",
        "panel": PANEL,
        "chair": CHAIR,
        "victim_attended": True,
        "findings": "Agencies acted separately.",
        "recommendations": recommendations,
    }
    case = derby.complete(case, "case_review", review, who="chair")
    at("2027-01-22T10:00:00+00:00")
    return derby.complete(case, "notify_outcome", {"notified_on": "2027-01-22", "method": "letter"})


def plan(client, derby, case_id, who="officer"):
    response = client.get(f"/api/v1/cases/{case_id}/actions", headers=derby.as_(who))
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def reports(case):
    return sorted((t["agency"], t["name"]) for t in case["open_tasks"] if t["form"] == "report_action")


def report(derby, case, agency, who, body):
    return derby.complete(case, "report_action", body, who=who, agency=agency)


THREE = [
    {"action": "Joint visit to the street", "owner_agency": "police", "due_on": "2027-02-15",
     "agreed_with_victim": True},
    {"action": "Install lighting on the footpath", "owner_agency": "council", "due_on": "2027-02-10",
     "agreed_with_victim": True},
    {"action": "Repair the communal door", "owner_agency": "housing_provider", "due_on": "2027-03-01"},
]  # fmt: skip


def test_three_actions_followed_through_and_the_case_closes_after_plan_and_window(
    app, derby, client, runner, at
):
    case = reviewed(derby, at, THREE)
    assert case["stage"] == "monitoring"
    assert deadlines(case)["appeal_window"] == ("2027-02-19", None, "pending")
    assert reports(case) == [
        ("council", "Report on the action"),
        ("housing_provider", "Report on the action"),
        ("police", "Report on the action"),
    ]
    # Each agency's task is due on its action's due date; the council's own is its officers'.
    due = {t["agency"]: (t["due_on"], t["role"]) for t in case["open_tasks"] if t["form"] == "report_action"}
    assert due == {
        "police": ("2027-02-15", "partner_agency"),
        "council": ("2027-02-10", "community_safety_officer"),
        "housing_provider": ("2027-03-01", "partner_agency"),
    }
    actions = plan(client, derby, case["id"])
    assert [
        (a["id"], a["owner_agency"], a["due_on"], a["agreed_with_victim"], a["status"]) for a in actions
    ] == [
        (1, "police", "2027-02-15", True, "open"),
        (2, "council", "2027-02-10", True, "open"),
        (3, "housing_provider", "2027-03-01", False, "open"),
    ]
    assert set(actions[0]) == {
        "id", "description", "owner_agency", "due_on", "agreed_with_victim", "status", "done_on", "note"
    }  # fmt: skip
    # Partners see only the actions their agency owns.
    assert [a["id"] for a in plan(client, derby, case["id"], who="police")] == [1]
    assert [a["id"] for a in plan(client, derby, case["id"], who="housing")] == [3]

    # The police's task says which action it is about.
    task = derby.open_task(case, "report_action", agency="police")
    detail = client.get(f"/api/v1/tasks/{task['id']}", headers=derby.as_("police")).get_json()
    assert (detail["context"]["action"]["id"], detail["context"]["action"]["description"]) == (
        1,
        "Joint visit to the street",
    )
    assert client.get(f"/api/v1/tasks/{task['id']}", headers=derby.as_("housing")).status_code == 404

    # The outcome letter lists the actions with their timescales, naming no one.
    outcome = next(d for d in documents(client, derby, case["id"]) if d["kind"] == "outcome")
    text = pdf_text(download(client, derby, outcome["id"], "pdf").data)
    assert "Joint visit to the street" in text and "The police" in text and "15 February 2027" in text
    assert "Repair the communal door" in text and "1 March 2027" in text

    # The police report progress, then that it is done, on time.
    at("2027-01-29T10:00:00+00:00")
    case = report(derby, case, "police", "police", {"done": False, "note": "Visit booked for 5 February."})
    assert plan(client, derby, case["id"])[0]["note"] == "Visit booked for 5 February."
    assert plan(client, derby, case["id"])[0]["status"] == "open"
    at("2027-02-05T16:00:00+00:00")
    case = report(
        derby, case, "police", "police", {"done": True, "done_on": "2027-02-05", "note": "Visited."}
    )
    assert reports(case) == [
        ("council", "Report on the action"),
        ("housing_provider", "Report on the action"),
    ]

    # The council's action is overdue at the end of 10 February: it escalates once.
    run_timers(runner, "2027-02-11T00:00:01+00:00")
    at("2027-02-11T09:00:00+00:00")
    case = derby.case(case["id"])
    escalations = [h["detail"] for h in case["history"] if h["event"] == "escalated"]
    assert escalations == [
        "Report on the action: overdue, escalated to community safety manager and the council"
    ]
    council_task = next(t for t in case["open_tasks"] if t["agency"] == "council")
    assert council_task["escalated"] is True
    # A progress report after the due date is taken on the overdue report: no second escalation.
    case = report(derby, case, "council", "officer", {"done": False, "note": "Contractor booked."})
    assert ("council", "Report on the overdue action") in reports(case)
    run_timers(runner, "2027-02-13T00:00:01+00:00")
    at("2027-02-16T09:00:00+00:00")
    case = derby.case(case["id"])
    assert [h["event"] for h in case["history"]].count("escalated") == 1
    case = report(derby, case, "council", "officer", {"done": True, "done_on": "2027-02-16", "note": "Lit."})

    # A partner cannot close an action; a manager closes the housing provider's, with a reason.
    close = f"/api/v1/cases/{case['id']}/actions/3/close"
    reason = {"reason": "The door is being replaced in the block's refurbishment in May."}
    assert client.post(close, json=reason, headers=derby.as_("housing")).status_code == 403
    assert client.post(close, json={}, headers=derby.as_("manager")).status_code == 422
    assert client.post(f"/api/v1/cases/{case['id']}/actions/9/close", json=reason,
                       headers=derby.as_("manager")).status_code == 404  # fmt: skip

    # The appeal window ends on 19 February while the housing provider's action is still open:
    # the case stays open, monitoring the plan.
    run_timers(runner, "2027-02-20T00:00:01+00:00")
    at("2027-02-22T09:00:00+00:00")
    case = derby.case(case["id"])
    assert (case["status"], case["stage"]) == ("open", "monitoring")
    assert deadlines(case)["appeal_window"] == ("2027-02-19", None, "missed")

    # `ctflow check` agrees with every case's rows while actions are open, escalated and reported.
    assert_consistent(runner)
    response = client.post(close, json=reason, headers=derby.as_("manager"))
    assert response.status_code == 200, response.get_json()
    assert client.post(close, json=reason, headers=derby.as_("manager")).status_code == 409
    case = derby.case(case["id"])
    assert (case["status"], case["stage"]) == ("closed", "closed")
    assert milestones(case)[-1] == ("closed", "2027-02-22")

    actions = plan(client, derby, case["id"])
    assert [(a["status"], a["done_on"]) for a in actions] == [
        ("done", "2027-02-05"),
        ("done", "2027-02-16"),
        ("closed", "2027-02-22"),
    ]
    assert actions[2]["note"] == reason["reason"]

    # The annual figures count reviews and recommendations as the Act defines them; the actions
    # settled in the year add their own counts.
    response = client.get("/api/v1/reports/annual?year=2027&council=derby-city", headers=derby.as_("manager"))
    figures = response.get_json()
    assert (figures["reviews_carried_out"], figures["reviews_with_recommendations"]) == (1, 1)
    assert figures["actions"] == {"done_on_time": 1, "done_late": 1, "closed_undone": 1}

    # The plan-complete letter says what became of each action.
    complete = next(d for d in documents(client, derby, case["id"]) if d["kind"] == "action_plan_complete")
    text = html_text(download(client, derby, complete["id"]).get_data(as_text=True))
    assert "Done on 5 February 2027" in text and "Done on 16 February 2027" in text
    assert "Closed without being done: The door is being replaced" in text

    # The victim's status page shows each action's progress.
    from app.extensions import db
    from app.models import Case
    from app.services import status_links

    with app.app_context():
        token = status_links.issue(db.session.get(Case, case["id"]))
        db.session.commit()
    html = client.get(f"/status/{token}").get_data(as_text=True)
    assert_consistent(runner)
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", html, flags=re.S)
    cells = [unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))).strip() for row in rows]
    assert cells[0] == "Action Agency Due by Progress"
    assert cells[1:] == [
        "Joint visit to the street The police 15 February 2027 Done on 5 February 2027 Visited.",
        "Install lighting on the footpath The council 10 February 2027 Done on 16 February 2027 Lit.",
        "Repair the communal door A housing provider (landlord) 1 March 2027 Closed, not done "
        "The door is being replaced in the block's refurbishment in May.",
    ]


def test_the_case_waits_for_the_appeal_window_when_the_plan_is_done_first(derby, client, runner, at):
    one = [{"action": "Joint visit", "owner_agency": "police", "due_on": "2027-02-15"}]
    case = reviewed(derby, at, one)
    at("2027-02-01T10:00:00+00:00")
    case = report(derby, case, "police", "police", {"done": True, "done_on": "2027-02-01", "note": "Done."})
    assert (case["status"], case["open_tasks"]) == ("open", [])
    run_timers(runner, "2027-02-19T23:59:00+00:00")
    assert derby.case(case["id"])["status"] == "open"
    run_timers(runner, "2027-02-20T00:00:01+00:00")
    at("2027-02-20T09:00:00+00:00")
    assert derby.case(case["id"])["status"] == "closed"


def test_no_recommendations_no_monitoring(derby, client, runner, at):
    case = reviewed(derby, at, [])
    assert case["open_tasks"] == [] and plan(client, derby, case["id"]) == []
    run_timers(runner, "2027-02-20T00:00:01+00:00")
    at("2027-02-20T09:00:00+00:00")
    assert derby.case(case["id"])["status"] == "closed"


def test_a_late_report_made_before_the_sweep_escalates_the_overdue_action_first(derby, client, runner, at):
    """The council's action was due on 10 February; on the 11th, before any sweep has fired its
    overdue timer, the officer reports progress. The timer due before the report fires first
    (recorded as the timer's doing), so the action escalates once, and the report is taken as
    the overdue report; a later sweep escalates nothing more."""
    case = reviewed(derby, at, [THREE[1]])
    at("2027-02-11T09:00:00+00:00")
    case = report(derby, case, "council", "officer", {"done": False, "note": "Contractor booked."})
    escalated = [(h["actor"], h["detail"]) for h in case["history"] if h["event"] == "escalated"]
    assert escalated == [
        ("timer", "Report on the action: overdue, escalated to community safety manager and the council")
    ]
    assert reports(case) == [("council", "Report on the overdue action")]
    assert plan(client, derby, case["id"])[0]["note"] == "Contractor booked."
    run_timers(runner, "2027-02-13T00:00:01+00:00")
    case = derby.case(case["id"])
    assert [h["event"] for h in case["history"]].count("escalated") == 1
    assert_consistent(runner)
