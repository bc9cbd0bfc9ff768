"""What each audience gets of a case through the API (app/presenters/case_file.py): council staff the
whole case file, a partner agency its part and nothing else (issue 13, "Partners get their part and
nothing else, in the API too"), on ``GET /api/v1/cases/{id}`` and in the case a completed task
returns."""

from __future__ import annotations

import json

import pytest

from tests.factories.cases import third_party_application

VICTIM = {"name": "Alex Victim", "email": "alex@example.org", "phone": "07700 900123",
          "address": "1 Sample Street, Derby", "vulnerable": True}  # fmt: skip
APPLICANT = {"name": "Sam Helper", "email": "sam@example.org", "phone": "07700 900456",
             "address": "2 Other Road, Derby", "relationship_to_victim": "son"}  # fmt: skip
INCIDENTS = [
    {"id": "a", "occurred_on": "2026-09-01", "description": "Shouting at night",
     "reports": [{"agency": "police", "reported_on": "2026-09-02", "method": "phone", "reporter": "Alex",
                  "reference": "CAD-0912"},
                 {"agency": "housing_provider", "reported_on": "2026-09-03", "method": "writing",
                  "reporter": "Alex", "reference": "HSG-SECRET-1"}]},
    {"id": "b", "occurred_on": "2026-10-10", "description": "Threats on the stairs",
     "reports": [{"agency": "council", "reported_on": "2026-10-12", "method": "email", "reporter": "Alex",
                  "reference": "COUNCIL-SECRET-2"}]},
    {"id": "c", "occurred_on": "2026-11-20", "description": "Door kicked",
     "reports": [{"agency": "housing_provider", "reported_on": "2026-11-21", "method": "writing",
                  "reporter": "Alex"}]},
]  # fmt: skip
REASONS = "Three incidents; the threshold reasons name Mr Neighbour of 5 Hidden Lane."
GROUNDS = "Appeal grounds naming Mrs Grounds of 9 Secret Road."
OFFICER = "officer.derby-city@example.org"
PARTNER_FIELDS = {
    "audience", "id", "reference", "council", "council_name", "status", "stage", "stage_label", "agency",
    "agency_label", "victims", "incidents", "open_tasks", "progress",
}  # fmt: skip


@pytest.fixture
def case(derby, clock):
    """A third party's application, the threshold met with reasons, the police and the housing
    provider asked for information, and an appeal on file."""
    clock.freeze("2026-12-14T09:00:00+00:00")
    body = third_party_application(
        victims=[VICTIM],
        applicant=APPLICANT,
        consent={"given": True, "evidence": "written_consent", "received_on": "2026-12-14"},
        incidents=INCIDENTS,
        impact="I no longer sleep",
    )
    case = derby.open_case(body)
    case = derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    case = derby.check_records(case, answers={"c/1": {"confirmed": False, "not_confirmed": "No such letter"}})
    case = derby.complete(case, "screen_eligibility", {"eligible": True})
    case = derby.complete(case, "threshold_decision", {"threshold_met": True, "reasons": REASONS})
    case = derby.complete(case, "request_information", {"agencies": ["police", "housing_provider"]})
    _add_appeal(derby.app, case["id"])
    return derby.case(case["id"])


def _add_appeal(app, case_id: int) -> None:
    # An appeal on file (its grounds name people): lodged directly, as reaching the appeal stage
    # takes the whole review; only what the views show of it matters here.
    from app import clock
    from app.extensions import db
    from app.models import Appeal

    with app.app_context():
        db.session.add(Appeal(case_id=case_id, kind="appeal", received_on=clock.today(), grounds=GROUNDS,
                              lodged_at=clock.now(), lodged_by=OFFICER))  # fmt: skip
        db.session.commit()


def _assert_partner_part(view: dict, agency: str, own_reports: list[str]) -> None:
    assert set(view) == PARTNER_FIELDS
    assert view["audience"] == "partner" and view["agency"] == agency
    assert view["victims"] == [{"name": "Alex Victim", "address": "1 Sample Street, Derby"}]
    assert [i["id"] for i in view["incidents"]] == ["a", "b", "c"]
    assert [r["report"] for i in view["incidents"] for r in i["reports"]] == own_reports
    assert all(r["agency"] == agency for i in view["incidents"] for r in i["reports"])
    assert view["stage_label"] == "Case review"
    assert [(s["stage"], s["state"]) for s in view["progress"]][:4] == [
        ("acknowledgement", "done"), ("threshold", "done"), ("review", "current"), ("outcome", "to_come"),
    ]  # fmt: skip
    assert {t["form"] for t in view["open_tasks"]} == {"return_information"}
    assert {t["agency"] for t in view["open_tasks"]} == {agency}
    text = json.dumps(view)
    for hidden in (
        REASONS, "Mr Neighbour", GROUNDS, "Mrs Grounds", "9 Secret Road",  # threshold reasons, appeal grounds
        "COUNCIL-SECRET-2", "contact_victim", "case_review",  # another body's report, another role's task
        OFFICER, "alex@example.org", "07700", "sam@example.org", "Sam Helper", "I no longer sleep",
        "threshold_met", "records_checks", "vulnerable", "reporter", "not_confirmed", "No such letter",
    ):  # fmt: skip
        assert hidden not in text, hidden


def test_a_partner_gets_its_part_of_the_case_and_nothing_else(derby, client, case):
    police = derby.case(case["id"], who="police")
    _assert_partner_part(police, "police", ["a/1"])
    assert police["incidents"][0]["reports"][0] == {
        "report": "a/1", "agency": "police", "reported_on": "2026-09-02", "method": "phone",
        "reference": "CAD-0912", "confirmed": True,
    }  # fmt: skip
    housing = derby.case(case["id"], who="housing")
    _assert_partner_part(housing, "housing_provider", ["a/2", "c/1"])
    assert "CAD-0912" not in json.dumps(housing)  # the police's report
    assert [r["confirmed"] for i in housing["incidents"] for r in i["reports"]] == [True, False]


def test_staff_get_the_whole_case_with_api_md_field_names(derby, case):
    staff = derby.case(case["id"], who="officer")
    assert staff["audience"] == "staff"
    for name in ("id", "reference", "council", "process", "status", "stage", "received_on", "deadlines",
                 "milestones", "open_tasks", "threshold", "outcome", "appeals", "history", "application"):  # fmt: skip
        assert name in staff, name
    assert staff["threshold"]["decision"]["reasons"] == REASONS
    assert staff["appeals"][0]["grounds"] == GROUNDS
    assert staff["application"]["applicant"]["email"] == "sam@example.org"
    assert {t["form"] for t in staff["open_tasks"]} == {"contact_victim", "return_information"}


def test_completing_a_task_returns_the_partners_part_only(derby, client, case):
    task = derby.open_task(case, "return_information", agency="police")
    response = client.post(
        f"/api/v1/tasks/{task['id']}/complete",
        json={"summary": "Two call-outs.", "actions_taken": "Warning issued."},
        headers=derby.as_("police"),
    )
    assert response.status_code == 200, response.get_json()
    view = response.get_json()
    assert set(view) == PARTNER_FIELDS and view["open_tasks"] == []
    text = json.dumps(view)
    for hidden in (
        REASONS,
        GROUNDS,
        "COUNCIL-SECRET-2",
        "HSG-SECRET-1",
        OFFICER,
        "contact_victim",
        "history",
    ):
        assert hidden not in text, hidden
    # The officer completing a task still gets the whole case.
    contact = derby.open_task(case, "contact_victim")
    response = client.post(
        f"/api/v1/tasks/{contact['id']}/complete",
        json={"contacted_on": "2026-12-14", "victim_will_attend": True},
        headers=derby.as_("officer"),
    )
    assert response.status_code == 200 and response.get_json()["audience"] == "staff"
    assert response.get_json()["threshold"]["decision"]["reasons"] == REASONS


def test_a_partners_case_list_holds_only_its_part(derby, client, case):
    items = client.get("/api/v1/cases", headers=derby.as_("police")).get_json()["items"]
    assert items == [
        {"id": case["id"], "reference": case["reference"], "council": "derby-city", "status": "open",
         "stage": "review"},
    ]  # fmt: skip
    staff = client.get("/api/v1/cases", headers=derby.as_("officer")).get_json()["items"]
    assert staff[0]["process"]["key"] and staff[0]["received_on"] == "2026-12-14"
