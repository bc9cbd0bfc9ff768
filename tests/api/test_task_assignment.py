"""POST /api/v1/tasks/{id}/assign: a manager gives an open task to a member of its role
(API.md, second round), and the case history says so."""

from __future__ import annotations

import pytest

from tests.factories.cases import application
from tests.factories.users import auth_headers, create_user


@pytest.fixture
def case(derby, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    return derby.open_case(application())


def _acknowledge(derby, case) -> dict:
    return derby.open_task(case, "acknowledge")


def _assign(client, task_id, body, headers):
    return client.post(f"/api/v1/tasks/{task_id}/assign", json=body, headers=headers)


def test_a_manager_gives_an_unclaimed_task_to_an_officer_and_the_history_says_so(derby, client, case):
    task = _acknowledge(derby, case)
    response = _assign(client, task["id"], {"user": "Officer.Derby-City@example.org"}, derby.as_("manager"))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["assignee"] == "officer.derby-city@example.org"
    # The officer now has it as their own.
    mine = client.get("/api/v1/tasks?scope=mine", headers=derby.as_("officer")).get_json()
    assert [(t["id"], t["assignee"]) for t in mine["items"] if t["id"] == task["id"]] == [
        (task["id"], "officer.derby-city@example.org")
    ]
    history = derby.case(case["id"])["history"]
    assert history[-1]["event"] == "task_assigned"
    assert history[-1]["actor"] == "manager.derby-city@example.org"
    assert history[-1]["detail"] == (
        f"‘{task['name']}’ given to officer.derby-city@example.org (unclaimed until now)"
    )


def test_a_manager_reassigns_a_claimed_task_and_the_new_holder_may_complete_it(app, derby, client, case):
    task = _acknowledge(derby, case)
    colleague = create_user(app, councils=("derby-city",), email="colleague@example.org")
    assert client.post(f"/api/v1/tasks/{task['id']}/claim", headers=derby.as_("officer")).status_code == 200
    response = _assign(client, task["id"], {"user": colleague}, derby.as_("manager"))
    assert response.status_code == 200
    assert response.get_json()["assignee"] == colleague
    assert derby.case(case["id"])["history"][-1]["detail"].endswith(
        "given to colleague@example.org (from officer.derby-city@example.org)"
    )
    body = {"sent_on": "2026-12-14", "method": "email"}
    response = client.post(f"/api/v1/tasks/{task['id']}/complete", json=body, headers=derby.as_("officer"))
    assert response.status_code == 409
    assert "claimed by someone else" in response.get_json()["error"]["message"]


def test_a_partner_task_goes_only_to_a_member_of_its_agency(derby, client, case):
    police_check = derby.open_task(case, "confirm_reports", agency="police")
    response = _assign(
        client, police_check["id"], {"user": "housing.derby-city@example.org"}, derby.as_("manager")
    )
    assert response.status_code == 422
    response = _assign(
        client, police_check["id"], {"user": "police.derby-city@example.org"}, derby.as_("manager")
    )
    assert response.status_code == 200
    assert response.get_json()["assignee"] == "police.derby-city@example.org"


@pytest.mark.parametrize(
    ("who", "status"),
    [("officer", 403), ("chair", 403), ("owner", 403), ("police", 404)],
    ids=[
        "an officer may not",
        "a panel chair may not",
        "a process owner may not",
        "a partner does not see it",
    ],
)
def test_only_a_manager_assigns(derby, client, case, who, status):
    task = _acknowledge(derby, case)
    response = _assign(client, task["id"], {"user": "officer.derby-city@example.org"}, derby.as_(who))
    assert response.status_code == status, response.get_json()
    assert response.get_json()["error"]["code"] == ("forbidden" if status == 403 else "not_found")
    assert derby.case(case["id"])["history"][-1]["event"] != "task_assigned"


def test_another_councils_manager_gets_404_and_cannot_learn_the_task_exists(app, derby, client, case):
    herts = auth_headers(app, client, councils=("east-herts",), role="community_safety_manager")
    task = _acknowledge(derby, case)
    missing = _assign(client, 999_999, {"user": "officer.derby-city@example.org"}, herts)
    other = _assign(client, task["id"], {"user": "officer.derby-city@example.org"}, herts)
    assert (missing.status_code, other.status_code) == (404, 404)
    assert missing.get_json() == other.get_json()


@pytest.mark.parametrize(
    "body",
    [{}, {"user": ""}, {"user": "not an address"}, {"user": 7}, {"user": "a@example.org", "role": "x"}, []],
    ids=["no user", "blank", "not an e-mail", "not text", "an unknown field", "not an object"],
)
def test_a_malformed_body_is_422(derby, client, case, body):
    task = _acknowledge(derby, case)
    response = _assign(client, task["id"], body, derby.as_("manager"))
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "validation_failed"


def test_malformed_json_is_400(derby, client, case):
    task = _acknowledge(derby, case)
    response = client.post(
        f"/api/v1/tasks/{task['id']}/assign",
        data="{",
        content_type="application/json",
        headers=derby.as_("manager"),
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "email",
    ["nobody@example.org", "chair.derby-city@example.org", "east.herts.officer@example.org"],
    ids=["unknown", "another role (the panel chair)", "an officer of another council"],
)
def test_someone_who_does_not_work_the_tasks_role_here_is_422_with_the_same_words(
    app, derby, client, case, email
):
    create_user(app, councils=("east-herts",), email="east.herts.officer@example.org")
    task = _acknowledge(derby, case)
    response = _assign(client, task["id"], {"user": email}, derby.as_("manager"))
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {
        "user": ["No one with this e-mail address works the community safety officer tasks of this council."]
    }


def test_a_task_that_is_no_longer_open_is_409(derby, client, case):
    task = _acknowledge(derby, case)
    derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    response = _assign(client, task["id"], {"user": "officer.derby-city@example.org"}, derby.as_("manager"))
    assert response.status_code == 409
    assert response.get_json()["error"]["message"] == "The task is completed."


def test_completing_an_unclaimed_task_claims_it_and_the_history_says_so(derby, client, case):
    task = _acknowledge(derby, case)
    done = derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    events = [(h["event"], h["actor"], h["detail"]) for h in done["history"]]
    claimed = events.index(
        ("task_claimed", "officer.derby-city@example.org", f"‘{task['name']}’, by completing it")
    )
    assert events[claimed + 1 : claimed + 2] == [
        ("task_completed", "officer.derby-city@example.org", task["name"])
    ]
    detail = client.get(f"/api/v1/tasks/{task['id']}", headers=derby.as_("officer")).get_json()
    assert detail["assignee"] == "officer.derby-city@example.org"


def test_completing_a_claimed_task_records_no_claim(derby, client, case):
    task = _acknowledge(derby, case)
    client.post(f"/api/v1/tasks/{task['id']}/claim", headers=derby.as_("officer"))
    done = derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    assert "task_claimed" not in [h["event"] for h in done["history"]]
