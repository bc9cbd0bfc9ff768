"""Giving and removing roles and agencies, and deactivating accounts (issue 16): tokens and web
sessions end at once, claimed tasks return to the team, every change is in the audit list."""

from __future__ import annotations

import pytest

from app.services.auth import WRONG_CREDENTIALS
from tests.factories.cases import application
from tests.factories.users import PASSWORD, auth_headers, create_user, token_for
from tests.factories.web import signed_in
from tests.people.helpers import audit_actions


@pytest.fixture
def admin(app, client) -> dict[str, str]:
    return auth_headers(app, client, role="admin", email="admin@derby.example.org")


def _id_of(client, headers, email: str, council="derby-city") -> int:
    people = client.get(f"/api/v1/councils/{council}/users?per_page=100", headers=headers).get_json()["items"]
    return next(p["id"] for p in people if p["email"] == email)


@pytest.fixture
def case(derby, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    return derby.open_case(application())


def test_deactivating_ends_tokens_and_sessions_at_once_and_returns_claimed_tasks(
    app, client, derby, case, admin
):
    officer = "officer.derby-city@example.org"
    task = derby.open_task(case, "acknowledge")
    assert client.post(f"/api/v1/tasks/{task['id']}/claim", headers=derby.as_("officer")).status_code == 200
    browser = signed_in(app, officer)
    assert browser.get("/cases").status_code == 200

    user_id = _id_of(client, admin, officer)
    response = client.post(
        f"/api/v1/councils/derby-city/users/{user_id}/deactivate",
        json={"reason": "Left the council"},
        headers=admin,
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "deactivated"
    assert response.get_json()["deactivated_at"] == "2026-12-14T09:00:00+00:00"

    assert client.get("/api/v1/me", headers=derby.as_("officer")).status_code == 401
    page = browser.get("/cases")
    assert page.status_code == 302 and page.headers["Location"].startswith("/sign-in")
    refused = client.post("/api/v1/auth/token", json={"email": officer, "password": PASSWORD})
    assert refused.status_code == 401 and refused.get_json()["error"]["message"] == WRONG_CREDENTIALS

    back = client.get(f"/api/v1/tasks/{task['id']}", headers=derby.as_("manager")).get_json()
    assert back["assignee"] is None
    history = derby.case(case["id"], who="manager")["history"]
    assert (history[-1]["event"], history[-1]["actor"], history[-1]["detail"]) == (
        "task_returned",
        "admin@derby.example.org",
        f"‘{task['name']}’ returned to the team: {officer} no longer works it (their account was deactivated)",
    )
    assert audit_actions(app)[-1] == ("admin@derby.example.org", "user.deactivated", officer)
    # No one can give them work any more.
    assign = client.post(
        f"/api/v1/tasks/{task['id']}/assign", json={"user": officer}, headers=derby.as_("manager")
    )
    assert assign.status_code == 422
    again = client.post(f"/api/v1/councils/derby-city/users/{user_id}/deactivate", headers=admin)
    assert (
        again.status_code == 409
        and again.get_json()["error"]["message"] == "This account is already deactivated."
    )


def test_removing_a_role_returns_the_tasks_of_that_lane_and_is_audited(app, client, derby, case, admin):
    officer = "officer.derby-city@example.org"
    task = derby.open_task(case, "acknowledge")
    client.post(f"/api/v1/tasks/{task['id']}/claim", headers=derby.as_("officer"))
    user_id = _id_of(client, admin, officer)
    url = f"/api/v1/councils/derby-city/users/{user_id}"

    response = client.patch(url, json={"roles": ["community_safety_officer", "panel_chair"]}, headers=admin)
    assert response.status_code == 200 and response.get_json()["roles"] == [
        "community_safety_officer",
        "panel_chair",
    ]
    assert (
        client.get(f"/api/v1/tasks/{task['id']}", headers=derby.as_("manager")).get_json()["assignee"]
        == officer
    )

    response = client.patch(
        url, json={"roles": ["panel_chair"], "reason": "Moved to chairing"}, headers=admin
    )
    assert response.get_json()["roles"] == ["panel_chair"]
    assert (
        client.get(f"/api/v1/tasks/{task['id']}", headers=derby.as_("manager")).get_json()["assignee"] is None
    )
    assert audit_actions(app)[-2:] == [
        ("admin@derby.example.org", "user.role_added", officer),
        ("admin@derby.example.org", "user.role_removed", officer),
    ]
    # Their token still works: only the roles changed.
    assert client.get("/api/v1/me", headers=derby.as_("officer")).get_json()["memberships"] == [
        {"council": "derby-city", "role": "panel_chair"}
    ]


def test_an_agency_is_given_with_the_partner_role_and_taken_with_it(app, client, admin):
    email = create_user(app, role="community_safety_officer", email="sam@example.org")
    url = f"/api/v1/councils/derby-city/users/{_id_of(client, admin, email)}"
    given = client.patch(url, json={"roles": ["partner_agency"], "agency": "icb"}, headers=admin).get_json()
    assert (given["roles"], given["agency"]) == (["partner_agency"], "icb")
    taken = client.patch(url, json={"roles": ["panel_chair"]}, headers=admin).get_json()
    assert (taken["roles"], taken["agency"]) == (["panel_chair"], None)
    assert [a for _, a, _ in audit_actions(app)] == [
        "user.role_removed", "user.role_added", "user.agency_changed",
        "user.role_removed", "user.role_added", "user.agency_changed",
    ]  # fmt: skip
    gone = client.patch(url, json={"roles": []}, headers=admin)
    assert gone.status_code == 200 and gone.get_json()["roles"] == []
    assert client.get(url, headers=admin).status_code == 404  # no longer of this council


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"roles": ["partner_agency"]}, {"agency": ["A partner_agency user needs an agency, one of: police, "
                                                    "housing_provider, icb, youth_offending, other."]}),
        ({"roles": ["admin"], "agency": "icb"}, {"agency": ["Only partner_agency and partner_manager users have an agency."]}),
        ({}, {"roles": ["Missing data for required field."]}),
        ({"roles": "admin"}, {"roles": ["Not a valid list."]}),
    ],
    ids=["partner-without-agency", "agency-without-partner", "no-roles-field", "roles-not-a-list"],
)  # fmt: skip
def test_a_roles_change_with_bad_fields_is_refused_precisely(app, client, admin, body, fields):
    email = create_user(app, role="community_safety_officer", email="sam@example.org")
    response = client.patch(
        f"/api/v1/councils/derby-city/users/{_id_of(client, admin, email)}", json=body, headers=admin
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == fields


def test_an_admin_keeps_their_own_admin_role_and_account(app, client, admin):
    my_id = _id_of(client, admin, "admin@derby.example.org")
    response = client.patch(
        f"/api/v1/councils/derby-city/users/{my_id}", json={"roles": ["panel_chair"]}, headers=admin
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {
        "roles": ["You cannot remove your own admin role: ask another admin of the council."]
    }
    response = client.post(f"/api/v1/councils/derby-city/users/{my_id}/deactivate", headers=admin)
    assert response.status_code == 409


def test_someone_of_two_councils_is_deactivated_only_by_an_admin_of_both_or_of_the_service(
    app, client, admin
):
    email = create_user(app, councils=("derby-city", "east-herts"), email="both@example.org")
    user_id = _id_of(client, admin, email)
    refused = client.post(f"/api/v1/councils/derby-city/users/{user_id}/deactivate", headers=admin)
    assert refused.status_code == 409
    assert "only an administrator of the service can deactivate" in refused.get_json()["error"]["message"]
    with app.app_context():
        from app.services.users import create_user as create

        create(email="root@example.org", password=PASSWORD, councils=["derby-city"], role="panel_chair",
               service_admin=True)  # fmt: skip
    root = {"Authorization": f"Bearer {token_for(client, 'root@example.org')}"}
    assert (
        client.post(f"/api/v1/councils/derby-city/users/{user_id}/deactivate", headers=root).status_code
        == 200
    )
    # One entry in each council's list: the account was both councils'.
    assert audit_actions(app, "east-herts") == [("root@example.org", "user.deactivated", email)]


@pytest.mark.parametrize(
    ("who", "status"),
    [({"role": "community_safety_manager"}, 403), ({"role": "admin", "councils": ("east-herts",)}, 404)],
    ids=["manager-of-the-council", "admin-of-another-council"],
)
def test_only_the_councils_admins_change_roles_or_deactivate(app, client, admin, who, status):
    email = create_user(app, email="sam@example.org")
    user_id = _id_of(client, admin, email)
    headers = auth_headers(app, client, **who)
    url = f"/api/v1/councils/derby-city/users/{user_id}"
    assert client.get(url, headers=headers).status_code == status
    assert client.patch(url, json={"roles": ["admin"]}, headers=headers).status_code == status
    assert client.post(f"{url}/deactivate", headers=headers).status_code == status
    assert client.get("/api/v1/councils/derby-city/users/999999", headers=admin).status_code == 404
    assert audit_actions(app) == []
