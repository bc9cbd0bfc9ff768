"""The inbox, claiming, and who may see and complete what."""

from __future__ import annotations

import threading

import pytest

from tests.factories.cases import application
from tests.factories.reading import forms
from tests.factories.users import auth_headers


@pytest.fixture
def case(derby, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    return derby.open_case(application())


def test_the_inbox_shows_my_roles_tasks_overdue_first(derby, client, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    early = derby.open_case(application(received_on="2026-12-01"))
    late = derby.open_case(application(received_on="2026-12-14"))
    clock.freeze("2026-12-10T09:00:00+00:00")
    body = client.get("/api/v1/tasks", headers=derby.as_("officer")).get_json()
    # Each case's acknowledgement and the council's own records check (its officers' task), due together.
    assert [(t["case_id"], t["form"]) for t in body["items"]] == [
        (early["id"], "acknowledge"), (early["id"], "confirm_reports"),
        (late["id"], "acknowledge"), (late["id"], "confirm_reports"),
    ]  # fmt: skip
    first = body["items"][0]
    assert (first["form"], first["due_on"], first["overdue"]) == ("acknowledge", "2026-12-08", True)
    assert body["items"][2]["overdue"] is False
    overdue = client.get("/api/v1/tasks?overdue=true", headers=derby.as_("officer")).get_json()
    assert [t["case_id"] for t in overdue["items"]] == [early["id"], early["id"]]
    # The panel chair has no acknowledgement tasks.
    assert client.get("/api/v1/tasks", headers=derby.as_("chair")).get_json()["total"] == 0


def test_claiming_hides_the_task_from_colleagues_mine_and_conflicts_with_them(app, derby, client, case):
    task_id = case["open_tasks"][0]["id"]
    colleague = auth_headers(app, client, councils=("derby-city",))
    claimed = client.post(f"/api/v1/tasks/{task_id}/claim", headers=derby.as_("officer"))
    assert claimed.status_code == 200
    assert claimed.get_json()["assignee"] == "officer.derby-city@example.org"
    assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=derby.as_("officer")).status_code == 200
    response = client.post(f"/api/v1/tasks/{task_id}/claim", headers=colleague)
    assert response.status_code == 409
    assert "claimed by someone else" in response.get_json()["error"]["message"]
    # What is left to the colleague is the council's records check, unclaimed.
    mine = client.get("/api/v1/tasks", headers=colleague).get_json()
    assert [t["form"] for t in mine["items"]] == ["confirm_reports"]
    assert client.get("/api/v1/tasks?scope=team", headers=colleague).get_json()["total"] == 2
    body = {"sent_on": "2026-12-14", "method": "email"}
    assert client.post(f"/api/v1/tasks/{task_id}/complete", json=body, headers=colleague).status_code == 409
    assert client.post(f"/api/v1/tasks/{task_id}/unclaim", headers=colleague).status_code == 409
    assert client.post(f"/api/v1/tasks/{task_id}/unclaim", headers=derby.as_("officer")).status_code == 200
    assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=colleague).status_code == 200


def test_a_manager_may_complete_officer_tasks_but_a_chair_may_not(derby, client, case):
    task_id = case["open_tasks"][0]["id"]
    body = {"sent_on": "2026-12-14", "method": "email"}
    response = client.post(f"/api/v1/tasks/{task_id}/complete", json=body, headers=derby.as_("chair"))
    assert response.status_code == 403
    response = client.post(f"/api/v1/tasks/{task_id}/complete", json=body, headers=derby.as_("manager"))
    assert response.status_code == 200


def test_another_councils_case_and_task_are_404(app, client, case):
    herts = auth_headers(app, client, councils=("east-herts",), role="community_safety_manager")
    task_id = case["open_tasks"][0]["id"]
    for path in (f"/api/v1/cases/{case['id']}", f"/api/v1/tasks/{task_id}"):
        response = client.get(path, headers=herts)
        assert response.status_code == 404, path
    response = client.post(f"/api/v1/tasks/{task_id}/claim", headers=herts)
    assert response.status_code == 404
    assert client.get("/api/v1/cases", headers=herts).get_json()["total"] == 0


def test_a_partner_sees_only_cases_its_agency_was_asked_about_and_only_its_tasks(derby, client, case):
    assert client.get(f"/api/v1/cases/{case['id']}", headers=derby.as_("police")).status_code == 404
    assert client.get("/api/v1/cases", headers=derby.as_("police")).get_json()["total"] == 0
    case = derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    case = derby.complete(case, "screen_eligibility", {"eligible": True})
    # Checking its records gives the police its own task, not the case.
    case = derby.check_records(case)
    assert client.get(f"/api/v1/cases/{case['id']}", headers=derby.as_("police")).status_code == 404
    case = derby.complete(case, "threshold_decision", {"threshold_met": True, "reasons": "Met."})
    case = derby.complete(case, "request_information", {"agencies": ["police"]})
    assert client.get(f"/api/v1/cases/{case['id']}", headers=derby.as_("police")).status_code == 200
    assert client.get(f"/api/v1/cases/{case['id']}", headers=derby.as_("housing")).status_code == 404
    inbox = client.get("/api/v1/tasks", headers=derby.as_("police")).get_json()
    assert [(t["form"], t["agency"]) for t in inbox["items"]] == [("return_information", "police")]
    contact = derby.open_task(case, "contact_victim")
    assert client.get(f"/api/v1/tasks/{contact['id']}", headers=derby.as_("police")).status_code == 404


def test_a_task_shows_its_form_as_json_schema(derby, client, case):
    task = client.get(f"/api/v1/tasks/{case['open_tasks'][0]['id']}", headers=derby.as_("officer")).get_json()
    assert task["form_key"] == "acknowledge"
    assert task["form"]["type"] == "object"
    assert set(task["form"]["required"]) >= {"method"}


@pytest.mark.parametrize(
    ("body", "field"),
    [({"method": "pigeon"}, "method"), ({"sent_on": "2027-01-01", "method": "email"}, "sent_on"),
     ({"method": "email", "extra": 1}, "extra")],
    ids=["bad-choice", "future-date", "unknown-field"],
)  # fmt: skip
def test_a_bad_completion_is_422_and_changes_nothing(derby, client, case, body, field):
    task_id = case["open_tasks"][0]["id"]
    response = client.post(f"/api/v1/tasks/{task_id}/complete", json=body, headers=derby.as_("officer"))
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    after = derby.case(case["id"])
    assert after["version"] == case["version"]
    assert [t["id"] for t in after["open_tasks"]] == [t["id"] for t in case["open_tasks"]]


def test_completing_a_task_twice_is_409(derby, client, case):
    task_id = case["open_tasks"][0]["id"]
    body = {"sent_on": "2026-12-14", "method": "email"}
    assert (
        client.post(f"/api/v1/tasks/{task_id}/complete", json=body, headers=derby.as_("officer")).status_code
        == 200
    )
    response = client.post(f"/api/v1/tasks/{task_id}/complete", json=body, headers=derby.as_("officer"))
    assert response.status_code == 409


def test_two_concurrent_completions_one_wins_one_gets_409(app, derby, case):
    task_id = case["open_tasks"][0]["id"]
    body = {"sent_on": "2026-12-14", "method": "email"}
    barrier = threading.Barrier(2)
    statuses = []

    def complete():
        with app.test_client() as own_client:
            barrier.wait()
            response = own_client.post(
                f"/api/v1/tasks/{task_id}/complete", json=body, headers=derby.as_("officer")
            )
            statuses.append(response.status_code)

    threads = [threading.Thread(target=complete) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 409]
    after = derby.case(case["id"])
    assert forms(after) == ["screen_eligibility"]
    assert [m["key"] for m in after["milestones"]].count("acknowledged") == 1


def test_an_overdue_acknowledgement_is_escalated_once(derby, client, runner, case):
    output = runner.invoke(args=["timers", "--now", "2026-12-21T23:59:00+00:00"]).output
    assert "fired on 0" in output
    output = runner.invoke(args=["timers", "--now", "2026-12-22T00:00:01+00:00"]).output
    assert "fired on 1" in output
    again = runner.invoke(args=["timers", "--now", "2026-12-23T00:00:01+00:00"]).output
    assert "fired on 0" in again
    after = derby.case(case["id"], who="manager")
    escalations = [h["detail"] for h in after["history"] if h["event"] == "escalated"]
    assert [d for d in escalations if d.startswith("Acknowledge")] == [
        "Acknowledge the completed application: overdue, escalated to community safety manager"
    ]
    assert after["open_tasks"][0]["form"] == "acknowledge"  # the task stays open
    assert after["open_tasks"][0]["escalated"] is True
