"""An upheld appeal's further actions join the action plan (issue 15), on every shipped diagram,
through the API: a whole lifecycle to an appeal upheld with further actions, each then tasked to
its owning agency with its due date, escalated when overdue, shown in the plan to staff and to
its agency, reported done by the agency's partner; the case closes when the last is done.

The lifecycle is walked generically: each open task is completed by whoever works it, with the
built-in test-run answers (processes/scenarios.toml, scenario "met"), so the same walk runs
every council's own steps (East Herts' minutes, Kensington and Chelsea's panel invitations...).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from lxml import etree

from app.extensions import db
from app.models import CaseTask
from app.services.scenarios import scenarios_for
from tests.api.test_challenges import run_base_diagram
from tests.api.test_documents import documents, download
from tests.factories.actors import Council
from tests.factories.reading import assert_consistent, run_timers
from tests.factories.web import signed_in
from tests.letters.pdf import html_text

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
TODAY = "2026-12-14"  # a Monday; the scenario's application arrives that day
WHO = {
    "community_safety_officer": "officer",
    "community_safety_manager": "manager",
    "panel_chair": "chair",
    "appeal_body": "appeals",
}
PARTNERS = {"police": "police", "housing_provider": "housing", "icb": "icb", "youth_offending": "youth"}
FURTHER = [
    {"action": "Fit a new communal door lock", "owner_agency": "housing_provider", "due_on": "2026-12-18",
     "agreed_with_victim": True},
    {"action": "Patrol the stairs at night", "owner_agency": "council", "due_on": "2027-01-29"},
]  # fmt: skip


@pytest.fixture
def council(app, client, processes, monkeypatch):
    monkeypatch.setitem(app.config, "TOKEN_TTL_SECONDS", 2 * 365 * 86400)
    return lambda council_id: Council(app, client, council_id)


def who_works(task: dict) -> str:
    return PARTNERS[task["agency"]] if task["role"] == "partner_agency" else WHO[task["role"]]


def complete_open_tasks(people: Council, case: dict, answers, skip=lambda task: False) -> dict:
    """Complete every open task the walk is not told to skip, one after another, with the
    scenario's answers, until none is left."""
    today = date.fromisoformat(TODAY)
    while todo := [t for t in case["open_tasks"] if not skip(t)]:
        task = todo[0]
        with people.app.app_context():  # the element answers may be keyed by (K&C's invite_panel)
            element = db.session.get(CaseTask, task["id"]).element
        body = answers(element, task["form"], today, task["agency"])
        assert body is not None, f"no answers for {task['form']}"
        response = people.client.post(
            f"/api/v1/tasks/{task['id']}/complete", json=body, headers=people.as_(who_works(task))
        )
        assert response.status_code == 200, (task["form"], response.get_json())
        case = people.case(case["id"])
    return case


def reports_open(case: dict) -> list[tuple[str, str, str]]:
    return sorted(
        (t["agency"], t["role"], t["due_on"]) for t in case["open_tasks"] if t["form"] == "report_action"
    )


# family (the shipped diagram), council running it
FAMILIES = [
    ("base", "derby-city"),  # the base diagram put live for Derby City (new councils start on it)
    ("derbyshire", "erewash"),
    ("east_herts", "east-herts"),
    ("kensington_and_chelsea", "kensington-and-chelsea"),
]


@pytest.mark.parametrize(("family", "council_id"), FAMILIES, ids=[f[0] for f in FAMILIES])
def test_an_upheld_appeals_further_actions_are_followed_through_to_closure(
    app, client, runner, clock, council, family, council_id
):
    people = council(council_id)
    if family == "base":
        run_base_diagram(client, people)
    with app.app_context():
        (met,) = [s for s in scenarios_for(council_id) if s.key == "met"]
    clock.freeze(f"{TODAY}T10:00:00+00:00")
    case = people.open_case(met.application)
    assert case["process"]["key"] == (
        "community_trigger_derbyshire" if family == "base" else f"community_trigger_{family}"
    )

    # The whole lifecycle to the outcome: the review's one action (the police's) is in the plan.
    case = complete_open_tasks(people, case, met.answers_for, skip=lambda t: t["form"] == "report_action")
    assert [(a["id"], a["owner_agency"]) for a in plan(people, case)] == [(1, "police")]
    response = client.post(
        f"/api/v1/cases/{case['id']}/appeals",
        json={"received_on": TODAY, "grounds": "The door is still broken."},
        headers=people.as_("officer"),
    )
    assert response.status_code == 201, response.get_json()
    case = people.case(case["id"])

    # The appeal is upheld with two further actions: the housing provider's and the council's own.
    def appeal_answers(element, form, today, agency):
        if form == "decide_appeal":
            return {"decided_on": TODAY, "upheld": True, "reasons": "The door must be fixed.",
                    "further_actions": FURTHER}  # fmt: skip
        return met.answers_for(element, form, today, agency)

    case = complete_open_tasks(people, case, appeal_answers, skip=lambda t: t["form"] == "report_action")
    assert case["appeals"][0]["upheld"] is True
    assert (case["status"], case["stage"]) == ("open", "monitoring")
    # Each further action is its owning agency's task, due on its own date, beside the review's;
    # the council's own is its officers'.
    assert reports_open(case) == [
        ("council", "community_safety_officer", "2027-01-29"),
        ("housing_provider", "partner_agency", "2026-12-18"),
        ("police", "partner_agency", (date.fromisoformat(TODAY) + timedelta(days=14)).isoformat()),
    ]
    # The plan numbers them after the review's; each agency sees only its own; the housing
    # provider now sees the case.
    assert [(a["id"], a["owner_agency"], a["due_on"], a["status"]) for a in plan(people, case)] == [
        (1, "police", "2026-12-28", "open"),
        (2, "housing_provider", "2026-12-18", "open"),
        (3, "council", "2027-01-29", "open"),
    ]
    assert [a["id"] for a in plan(people, case, "housing")] == [2]
    assert [a["id"] for a in plan(people, case, "police")] == [1]
    task = people.open_task(case, "report_action", agency="housing_provider")
    detail = client.get(f"/api/v1/tasks/{task['id']}", headers=people.as_("housing"))
    assert detail.get_json()["context"]["action"]["description"] == "Fit a new communal door lock"
    assert client.get(f"/api/v1/cases/{case['id']}", headers=people.as_("housing")).status_code == 200
    # The case page lists their reports among the case's tasks as it lists the review's: all of
    # them to staff, the housing provider's own to its partners.
    reports = {
        t["agency"]: f'href="/tasks/{t["id"]}"' for t in case["open_tasks"] if t["form"] == "report_action"
    }
    staff = (
        signed_in(app, f"officer.{council_id}@example.org").get(f"/cases/{case['id']}").get_data(as_text=True)
    )
    assert all(link in staff for link in reports.values())
    partner = (
        signed_in(app, f"housing.{council_id}@example.org").get(f"/cases/{case['id']}").get_data(as_text=True)
    )
    assert reports["housing_provider"] in partner
    assert reports["council"] not in partner and reports["police"] not in partner

    # The review's action is done; the housing provider's is overdue after 18 December and
    # escalates once, to the manager and the housing provider.
    case = people.complete(case, "report_action", {"done": True, "done_on": TODAY, "note": "Visited."},
                           who="police", agency="police")  # fmt: skip
    run_timers(runner, "2026-12-19T00:00:01+00:00")
    clock.freeze("2026-12-21T09:00:00+00:00")
    case = people.case(case["id"])
    escalated = [h["detail"] for h in case["history"] if h["event"] == "escalated"]
    assert escalated == [
        "Report on the action: overdue, escalated to community safety manager and the partner "
        "managers of a housing provider (landlord)"
    ]
    assert people.open_task(case, "report_action", agency="housing_provider")["escalated"] is True

    # The housing provider reports its action done, late; a manager closes the council's undone.
    case = people.complete(case, "report_action", {"done": True, "done_on": "2026-12-21", "note": "Lock fitted."},
                           who="housing", agency="housing_provider")  # fmt: skip
    assert (case["status"], case["stage"]) == ("open", "monitoring")
    closed = client.post(f"/api/v1/cases/{case['id']}/actions/3/close", json={"reason": "Patrols moved."},
                         headers=people.as_("manager"))  # fmt: skip
    assert closed.status_code == 200, closed.get_json()
    case = people.case(case["id"])
    assert (case["status"], case["stage"]) == ("closed", "closed")
    assert [(a["id"], a["status"], a["done_on"]) for a in plan(people, case)] == [
        (1, "done", TODAY),
        (2, "done", "2026-12-21"),
        (3, "closed", "2026-12-21"),
    ]

    # The victim is told what became of the appeal's actions, as of the review's.
    letters = [d for d in documents(client, people, case["id"]) if d["kind"] == "action_plan_complete"]
    texts = [html_text(download(client, people, d["id"]).get_data(as_text=True)) for d in letters]
    (further,) = [t for t in texts if "further actions were added to the action plan of your" in t]
    assert "Fit a new communal door lock" in further and "Done on 21 December 2026" in further
    assert "Joint visit" not in further  # the review's action has its own letter
    # The review's plan ended while the appeal's actions were open: its letter lists them as
    # still under way and does not call the plan complete.
    (review,) = [t for t in texts if "Joint visit" in t]
    assert "Actions still under way" in review and "Fit a new communal door lock" in review
    assert "so the action plan is complete" not in review
    assert any(
        "Patrol the stairs at night" in t and "Closed without being done: Patrols moved." in t for t in texts
    )
    # The year's figures count the appeal's actions with the review's.
    figures = client.get(
        f"/api/v1/reports/annual?year=2026&council={council_id}", headers=people.as_("manager")
    )
    assert figures.get_json()["actions"] == {"done_on_time": 1, "done_late": 1, "closed_undone": 1}
    assert (
        figures.get_json()["reviews_carried_out"],
        figures.get_json()["reviews_with_recommendations"],
    ) == (1, 1)
    assert_consistent(runner)


def plan(people: Council, case: dict, who: str = "officer") -> list[dict]:
    response = people.client.get(f"/api/v1/cases/{case['id']}/actions", headers=people.as_(who))
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def diagram_without_appeal_actions(key: str) -> bytes:
    """A shipped diagram as it was before the appeal's further actions were followed up: the
    appeal outcome letter goes straight on to the appeal's end (a version running cases started on)."""
    path = Path(__file__).resolve().parents[2] / "processes" / f"{key}.bpmn"
    root = etree.fromstring(path.read_bytes())
    process = root.find(f"{BPMN}process")
    added = {"further_actions_gateway", "add_further_actions", "follow_up_further_actions",
             "issue_further_actions_complete"}  # fmt: skip
    for element in list(process):
        ends = {element.get("id"), element.get("sourceRef"), element.get("targetRef")}
        if ends & added:
            process.remove(element)
    for ref in root.iter(f"{BPMN}flowNodeRef", f"{BPMN}incoming", f"{BPMN}outgoing"):
        if ref.text in added or (ref.text or "").startswith(
            ("flow_further_actions_gateway", "flow_issue_further")
        ):
            ref.getparent().remove(ref)
    etree.SubElement(process, f"{BPMN}sequenceFlow", id="flow_issue_appeal_outcome_to_appeal_over_merge",
                     sourceRef="issue_appeal_outcome", targetRef="appeal_over_merge")  # fmt: skip
    for element, tag, flow in (("issue_appeal_outcome", "outgoing", "flow_issue_appeal_outcome_to_appeal_over_merge"),
                               ("appeal_over_merge", "incoming", "flow_issue_appeal_outcome_to_appeal_over_merge")):  # fmt: skip
        found = process.find(f"*[@id='{element}']")
        for old in found.findall(f"{BPMN}{tag}"):
            if old.text.startswith("flow_issue_appeal_outcome"):
                found.remove(old)
        etree.SubElement(found, f"{BPMN}{tag}").text = flow
    plane = root.find(".//{http://www.omg.org/spec/BPMN/20100524/DI}BPMNPlane")
    for shape in list(plane):
        if shape.get("bpmnElement") in added or "further" in (shape.get("bpmnElement") or ""):
            plane.remove(shape)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_a_case_running_on_a_version_from_before_keeps_its_appeal_as_it_was(
    app, client, runner, clock, council, processes
):
    """Cases stay on the version they started on: one started before the appeal's further actions
    were followed up closes when its appeal is decided, as it did, its plan the review's alone."""
    key = "community_trigger_derbyshire"
    people = council("derby-city")
    old = client.post(f"/api/v1/processes/{key}/versions", data=diagram_without_appeal_actions(key),
                      content_type="application/xml", headers=people.as_("owner"))  # fmt: skip
    assert old.status_code == 201, old.get_json()
    activate = f"/api/v1/processes/{key}/versions/{old.get_json()['number']}/activate"
    assert (
        client.post(activate, json={"council": "derby-city"}, headers=people.as_("owner")).status_code == 200
    )
    with app.app_context():
        (met,) = [s for s in scenarios_for("derby-city") if s.key == "met"]
    clock.freeze(f"{TODAY}T10:00:00+00:00")
    case = people.open_case(met.application)
    assert case["process"]["version"] == old.get_json()["number"]
    # The shipped version, which follows the appeal's actions up, goes live again meanwhile.
    shipped = processes[key]
    response = client.post(f"/api/v1/processes/{key}/versions/{shipped}/activate", json={"council": "derby-city"},
                           headers=people.as_("owner"))  # fmt: skip
    assert response.status_code == 200, response.get_json()

    case = complete_open_tasks(people, case, met.answers_for)  # the police report their action done
    response = client.post(f"/api/v1/cases/{case['id']}/appeals", json={"received_on": TODAY, "grounds": "Still."},
                           headers=people.as_("officer"))  # fmt: skip
    assert response.status_code == 201, response.get_json()

    def appeal_answers(element, form, today, agency):
        if form == "decide_appeal":
            return {
                "decided_on": TODAY,
                "upheld": True,
                "reasons": "Fix the door.",
                "further_actions": FURTHER,
            }
        return met.answers_for(element, form, today, agency)

    case = complete_open_tasks(people, people.case(case["id"]), appeal_answers)
    assert (case["status"], case["process"]["version"]) == ("closed", old.get_json()["number"])
    assert [(a["id"], a["status"]) for a in plan(people, case)] == [(1, "done")]
    assert_consistent(runner)
