"""Reactivating a deactivated account (issue 16): its roles come back, its old password does not;
it is invited again by e-mail (caught by a real SMTP server) to choose a new one. Audited."""

from __future__ import annotations

import pytest

from tests.factories.users import PASSWORD, auth_headers, create_user, token_for
from tests.factories.web import csrf_token, signed_in
from tests.people.helpers import audit_actions, send_link_emails, token_in
from tests.smtp import smtp_server_fixture  # noqa: F401

NEW_PASSWORD = "a fresh start passphrase"
EMAIL = "sam@example.org"


@pytest.fixture
def admin(app, client) -> dict[str, str]:
    return auth_headers(app, client, role="admin", email="admin@derby.example.org")


@pytest.fixture
def sam(app, client, admin) -> int:
    """A panel chair of Derby City, deactivated."""
    create_user(app, email=EMAIL, role="panel_chair")
    people = client.get("/api/v1/councils/derby-city/users", headers=admin).get_json()["items"]
    user_id = next(p["id"] for p in people if p["email"] == EMAIL)
    response = client.post(f"/api/v1/councils/derby-city/users/{user_id}/deactivate", headers=admin)
    assert response.status_code == 200
    return user_id


def test_a_reactivated_account_keeps_its_roles_and_chooses_a_new_password(
    app, client, admin, sam, smtp_server
):
    # Inviting the address again is refused, and says what to do.
    again = client.post(
        "/api/v1/councils/derby-city/users", json={"email": EMAIL, "roles": ["panel_chair"]}, headers=admin
    )
    assert again.status_code == 409
    assert again.get_json()["error"]["message"] == (
        f"The account of {EMAIL} is deactivated: reactivate it from its page first."
    )

    response = client.post(
        f"/api/v1/councils/derby-city/users/{sam}/reactivate",
        json={"reason": "Back from leave"},
        headers=admin,
    )
    assert response.status_code == 200, response.get_json()
    person = response.get_json()
    assert (person["status"], person["roles"], person["deactivated_at"]) == ("invited", ["panel_chair"], None)
    # The old password is void.
    assert client.post("/api/v1/auth/token", json={"email": EMAIL, "password": PASSWORD}).status_code == 401

    assert send_link_emails(app).sent
    [message] = smtp_server.messages
    assert message["To"] == EMAIL
    chosen = client.post("/api/v1/auth/password", json={"token": token_in(message), "password": NEW_PASSWORD})
    assert chosen.status_code == 200
    assert token_for(client, EMAIL, NEW_PASSWORD)
    assert audit_actions(app)[-3:] == [
        ("admin@derby.example.org", "user.deactivated", EMAIL),
        ("admin@derby.example.org", "user.reactivated", EMAIL),
        (EMAIL, "user.invitation_accepted", EMAIL),
    ]


def test_an_active_account_is_not_reactivated(app, client, admin):
    create_user(app, email=EMAIL, role="panel_chair")
    people = client.get("/api/v1/councils/derby-city/users", headers=admin).get_json()["items"]
    user_id = next(p["id"] for p in people if p["email"] == EMAIL)
    response = client.post(f"/api/v1/councils/derby-city/users/{user_id}/reactivate", headers=admin)
    assert response.status_code == 409
    assert response.get_json()["error"]["message"] == (
        "This account is active: only a deactivated account can be reactivated."
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [({"role": "community_safety_manager"}, 403), ({"role": "admin", "councils": ("east-herts",)}, 404)],
    ids=["manager-of-the-council", "admin-of-another-council"],
)
def test_only_the_councils_admins_reactivate(app, client, sam, who, status):
    headers = auth_headers(app, client, **who)
    assert (
        client.post(f"/api/v1/councils/derby-city/users/{sam}/reactivate", headers=headers).status_code
        == status
    )
    assert client.post(f"/api/v1/councils/derby-city/users/{sam}/reactivate").status_code == 401
    bad = client.post(
        f"/api/v1/councils/derby-city/users/{sam}/reactivate", json={"why": "x"}, headers=headers
    )
    assert bad.status_code == status  # refused before the body is read


def test_someone_of_two_councils_is_reactivated_only_by_an_administrator_of_the_service(app, client, admin):
    root = auth_headers(app, client, role="panel_chair", email="root@example.org", service_admin=True)
    create_user(app, councils=("derby-city", "east-herts"), email="both@example.org")
    people = client.get("/api/v1/councils/derby-city/users", headers=admin).get_json()["items"]
    user_id = next(p["id"] for p in people if p["email"] == "both@example.org")
    url = f"/api/v1/councils/derby-city/users/{user_id}"
    assert client.post(f"{url}/deactivate", headers=root).status_code == 200
    refused = client.post(f"{url}/reactivate", headers=admin)
    assert refused.status_code == 409
    assert (
        "only an administrator of the service can reactivate the account"
        in refused.get_json()["error"]["message"]
    )
    assert client.post(f"{url}/reactivate", headers=root).status_code == 200
    assert audit_actions(app, "east-herts")[-1] == (
        "root@example.org",
        "user.reactivated",
        "both@example.org",
    )


def test_the_person_page_reactivates(app, client, admin, sam):
    browser = signed_in(app, "admin@derby.example.org")
    page = browser.get(f"/councils/derby-city/people/{sam}").get_data(as_text=True)
    assert "Reactivate account" in page and "Panel chair" in page  # the roles it gets back
    response = browser.post(
        f"/councils/derby-city/people/{sam}/reactivate",
        data={"reason": "", "csrf_token": csrf_token(browser, f"/councils/derby-city/people/{sam}")},
    )
    assert response.status_code == 302
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert f"The account of {EMAIL} is active again" in page
    assert "Send a new invitation" in page  # invited: yet to choose a password
