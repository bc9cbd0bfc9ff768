"""Issue 15: an overdue action escalates to the council's managers and to the owning agency's
partner managers, who find it in their inbox, give it to one of their people and may work it.

A partner manager (``partner_manager``, with an agency) sees a case as its agency's partners do:
only its agency's part, and only its agency's tasks.
"""

from __future__ import annotations

import pytest

from app.services.users import UserError, check_roles
from tests.api.test_action_plans import reviewed
from tests.factories.reading import run_timers
from tests.factories.users import create_user, token_for
from tests.factories.web import signed_in

ACTIONS = [
    {"action": "Joint visit to the street", "owner_agency": "police", "due_on": "2027-02-10",
     "agreed_with_victim": True},
    {"action": "Repair the communal door", "owner_agency": "housing_provider", "due_on": "2027-03-01"},
]  # fmt: skip


@pytest.fixture
def at(clock):
    return clock.freeze


@pytest.fixture
def people(app, client, derby):
    """Derby City's partner managers and a second police partner, by name, as headers."""
    made = {
        "inspector": ("partner_manager", "police"),
        "housing_manager": ("partner_manager", "housing_provider"),
        "constable": ("partner_agency", "police"),
    }
    headers = {}
    for who, (role, agency) in made.items():
        email = create_user(app, role=role, agency=agency, email=f"{who}.derby-city@example.org")
        headers[who] = {"Authorization": f"Bearer {token_for(client, email)}"}
    return headers | {who: derby.as_(who) for who in ("officer", "manager", "police", "housing")}


def escalated_to(client, headers):
    response = client.get("/api/v1/tasks?escalated=true", headers=headers)
    assert response.status_code == 200, response.get_json()
    return [(t["agency"], t["escalated_to"], t["escalated_agency"]) for t in response.get_json()["items"]]


def test_an_overdue_action_reaches_the_council_managers_and_the_agencys_partner_managers(
    client, derby, runner, at, people
):
    case = reviewed(derby, at, ACTIONS)
    police_task = derby.open_task(case, "report_action", agency="police")
    housing_task = derby.open_task(case, "report_action", agency="housing_provider")
    claim = client.post(f"/api/v1/tasks/{police_task['id']}/claim", headers=people["police"])
    assert claim.status_code == 200, claim.get_json()
    assert all(escalated_to(client, people[who]) == [] for who in people)  # nothing overdue yet

    run_timers(runner, "2027-02-11T00:00:01+00:00")
    at("2027-02-11T09:00:00+00:00")
    history = [h["detail"] for h in derby.case(case["id"])["history"] if h["event"] == "escalated"]
    assert history == [
        "Report on the action: overdue, escalated to community safety manager and the partner "
        "managers of the police"
    ]
    reached = [("police", "community_safety_manager", "police")]
    # Held by a police partner, it is still on the list of those it reached.
    assert escalated_to(client, people["manager"]) == reached
    assert escalated_to(client, people["inspector"]) == reached
    # Not the partners themselves, nor another agency's manager, nor the officers.
    for who in ("police", "constable", "housing_manager", "housing", "officer"):
        assert escalated_to(client, people[who]) == [], who

    # The inspector gives the action to another of the police's people, and may take it back.
    assign = f"/api/v1/tasks/{police_task['id']}/assign"
    given = client.post(
        assign, json={"user": "constable.derby-city@example.org"}, headers=people["inspector"]
    )
    assert given.status_code == 200, given.get_json()
    assert given.get_json()["assignee"] == "constable.derby-city@example.org"
    not_police = client.post(
        assign, json={"user": "housing.derby-city@example.org"}, headers=people["inspector"]
    )
    assert not_police.status_code == 422
    taken = client.post(f"/api/v1/tasks/{police_task['id']}/unclaim", headers=people["inspector"])
    assert taken.status_code == 200 and taken.get_json()["assignee"] is None
    # A partner may not give tasks out; the inspector does not see the housing provider's task.
    assert client.post(assign, json={"user": "police.derby-city@example.org"},
                       headers=people["constable"]).status_code == 403  # fmt: skip
    assert client.get(f"/api/v1/tasks/{housing_task['id']}", headers=people["inspector"]).status_code == 404
    housing_assign = f"/api/v1/tasks/{housing_task['id']}/assign"
    assert client.post(housing_assign, json={"user": "housing.derby-city@example.org"},
                       headers=people["housing_manager"]).status_code == 200  # fmt: skip

    # The inspector reports on the action as the police's partners do, and sees only its part.
    done = {"done": True, "done_on": "2027-02-11", "note": "Visited with the housing officer."}
    response = client.post(
        f"/api/v1/tasks/{police_task['id']}/complete", json=done, headers=people["inspector"]
    )
    assert response.status_code == 200, response.get_json()
    assert escalated_to(client, people["inspector"]) == []
    seen = client.get(f"/api/v1/cases/{case['id']}/actions", headers=people["inspector"]).get_json()["items"]
    assert [(a["id"], a["status"]) for a in seen] == [(1, "done")]


def test_the_inbox_page_lists_the_tasks_escalated_to_a_partner_manager(
    app, client, derby, runner, at, people
):
    case = reviewed(derby, at, ACTIONS)
    run_timers(runner, "2027-02-11T00:00:01+00:00")
    at("2027-02-11T09:00:00+00:00")
    page = signed_in(app, "inspector.derby-city@example.org").get("/").get_data(as_text=True)
    assert "Escalated to you (1)" in page and case["reference"] in page
    page = signed_in(app, "constable.derby-city@example.org").get("/").get_data(as_text=True)
    assert "Escalated to you" not in page and case["reference"] in page  # theirs to claim, not chase


@pytest.mark.parametrize(
    ("roles", "agency", "error"),
    [
        (["partner_manager"], None, "A partner_manager user needs an agency"),
        (["partner_manager"], "fire", "Unknown agency 'fire'"),
        (
            ["community_safety_manager"],
            "police",
            "Only partner_agency and partner_manager users have an agency",
        ),
    ],
)
def test_a_partner_manager_has_an_agency(app, roles, agency, error):
    with pytest.raises(UserError, match=error):
        check_roles(roles, agency)
