"""Invitations (issue 16): a council's admin invites someone by e-mail with roles; the e-mail,
caught by a real SMTP server, carries a one-time link to choose a password."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.services.auth import WRONG_CREDENTIALS
from tests.factories.users import auth_headers, create_user, token_for
from tests.people.helpers import audit_actions, send_link_emails, stored_link_values, token_in
from tests.smtp import smtp_server_fixture  # noqa: F401

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def admin(app, client) -> dict[str, str]:
    return auth_headers(app, client, role="admin", email="admin@derby.example.org")


def _invite(client, headers, council="derby-city", **body):
    body = {"email": "new.officer@example.org", "roles": ["community_safety_officer"], **body}
    return client.post(f"/api/v1/councils/{council}/users", json=body, headers=headers)


def test_an_invitation_is_emailed_and_its_link_sets_the_password_once(app, client, admin, smtp_server):
    response = _invite(client, admin, email="New.Officer@Example.org", name="Nia Officer")
    assert response.status_code == 201, response.get_json()
    person = response.get_json()
    assert person | {"id": 0} == {
        "id": 0,
        "email": "new.officer@example.org",
        "name": "Nia Officer",
        "agency": None,
        "roles": ["community_safety_officer"],
        "status": "invited",
        "invitation_email": "pending",
        "deactivated_at": None,
    }
    # Nothing signs the invited account in before the link is used.
    login = {"email": "new.officer@example.org", "password": ""}
    assert client.post("/api/v1/auth/token", json=login | {"password": "x" * 12}).status_code == 401

    assert send_link_emails(app).sent == [1]
    [message] = smtp_server.messages
    assert message["To"] == "new.officer@example.org"
    assert message["Subject"] == "Derby City Council: you are invited to the Community Trigger service"
    assert "admin@derby.example.org has invited you" in message.get_content()
    assert "until 30 November 2026, 10:00" in message.get_content()
    token = token_in(message)
    # The database never holds the token, and after the e-mail not even what it was made from.
    assert not any(token in value for value in stored_link_values(app))
    listed = client.get("/api/v1/councils/derby-city/users", headers=admin).get_json()["items"]
    assert [(p["email"], p["invitation_email"]) for p in listed] == [
        ("admin@derby.example.org", None),
        ("new.officer@example.org", "sent"),
    ]

    response = client.post("/api/v1/auth/password", json={"token": token, "password": NEW_PASSWORD})
    assert response.status_code == 200, response.get_json()
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {response.get_json()['token']}"})
    assert me.get_json()["memberships"] == [{"council": "derby-city", "role": "community_safety_officer"}]
    assert token_for(client, "new.officer@example.org", NEW_PASSWORD)

    again = client.post("/api/v1/auth/password", json={"token": token, "password": "another passphrase"})
    assert again.status_code == 404
    assert again.get_json()["error"]["code"] == "link_not_valid"
    assert client.get(f"/set-password/{token}").status_code == 404
    assert audit_actions(app) == [
        ("admin@derby.example.org", "user.invited", "new.officer@example.org"),
        ("new.officer@example.org", "user.invitation_accepted", "new.officer@example.org"),
    ]


def test_an_expired_link_is_refused_and_a_new_invitation_voids_the_old_one(
    app, client, admin, clock, smtp_server
):
    person = _invite(client, admin).get_json()
    send_link_emails(app)
    first = token_in(smtp_server.messages[0])
    response = client.post(f"/api/v1/councils/derby-city/users/{person['id']}/invitation", headers=admin)
    assert response.status_code == 202
    send_link_emails(app)
    second = token_in(smtp_server.messages[1])
    refused = client.post("/api/v1/auth/password", json={"token": first, "password": NEW_PASSWORD})
    assert refused.status_code == 404

    clock.freeze(clock.now() + timedelta(days=7, seconds=1))
    expired = client.post("/api/v1/auth/password", json={"token": second, "password": NEW_PASSWORD})
    assert expired.status_code == 404
    assert "has already been used or has expired" in expired.get_json()["error"]["message"]


def test_a_password_that_breaks_the_rule_is_refused_and_the_link_still_works(app, client, admin, smtp_server):
    _invite(client, admin)
    send_link_emails(app)
    token = token_in(smtp_server.messages[0])
    short = client.post("/api/v1/auth/password", json={"token": token, "password": "short"})
    assert short.status_code == 422
    assert short.get_json()["error"]["fields"] == {
        "password": ["The password must be at least 10 characters long."]
    }
    assert (
        client.post("/api/v1/auth/password", json={"token": token, "password": NEW_PASSWORD}).status_code
        == 200
    )


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"email": "not an address"}, {"email": ["'not an address' is not an e-mail address."]}),
        ({"roles": []}, {"roles": ["Choose between 1 and 9 roles."]}),
        ({"roles": ["wizard"]}, {"roles": {"0": ["Must be one of: community_safety_officer, "
                                                  "community_safety_manager, process_owner, partner_agency, "
                                                  "partner_manager, panel_chair, appeal_body, admin, "
                                                  "data_protection."]}}),
        ({"roles": ["partner_agency"]},
         {"agency": ["A partner_agency user needs an agency, one of: police, housing_provider, icb, "
                     "youth_offending, other."]}),
        ({"agency": "police"}, {"agency": ["Only partner_agency and partner_manager users have an agency."]}),
        ({"agency": "fire"}, {"agency": ["Must be one of: police, housing_provider, icb, youth_offending, other."]}),
        ({"email": None}, {"email": ["Field may not be null."]}),
        ({"colour": "blue"}, {"colour": ["Unknown field."]}),
    ],
    ids=["bad-email", "no-roles", "unknown-role", "partner-without-agency", "agency-on-non-partner",
         "unknown-agency", "null-email", "unknown-field"],
)  # fmt: skip
def test_an_invitation_with_bad_fields_is_refused_precisely(app, client, admin, body, fields):
    response = _invite(client, admin, **body)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["fields"] == fields
    assert len(client.get("/api/v1/councils/derby-city/users", headers=admin).get_json()["items"]) == 1


def test_someone_of_another_council_gets_the_roles_without_an_email(app, client, admin, smtp_server):
    email = create_user(app, councils=("east-herts",), role="partner_agency", agency="police")
    response = _invite(client, admin, email=email, roles=["partner_agency"], agency="police")
    assert response.status_code == 201
    assert response.get_json()["status"] == "active"
    assert send_link_emails(app).sent == []
    assert audit_actions(app)[-1] == ("admin@derby.example.org", "user.role_added", email)
    # An account has one agency.
    other = create_user(app, councils=("east-herts",), role="partner_agency", agency="icb")
    refused = _invite(client, admin, email=other, roles=["partner_agency"], agency="police")
    assert refused.status_code == 422
    assert refused.get_json()["error"]["fields"] == {
        "agency": ["This person is a partner for icb at another council; an account has one agency."]
    }
    again = _invite(client, admin, email=email, roles=["partner_agency"], agency="police")
    assert again.status_code == 409
    assert (
        again.get_json()["error"]["message"]
        == f"{email} already works at this council: change their roles instead."
    )


@pytest.mark.parametrize(
    ("who", "council", "status"),
    [
        ({"role": "community_safety_manager"}, "derby-city", 403),
        ({"role": "process_owner"}, "derby-city", 403),
        ({"role": "admin"}, "east-herts", 404),
        ({"role": "admin"}, "atlantis", 404),
        ({"role": "admin", "councils": ("east-herts",)}, "derby-city", 404),
    ],
    ids=["manager", "process-owner", "admin-elsewhere", "unknown-council", "admin-of-another-council"],
)
def test_only_the_councils_admins_see_and_invite_its_people(app, client, who, council, status):
    headers = auth_headers(app, client, **who)
    assert client.get(f"/api/v1/councils/{council}/users", headers=headers).status_code == status
    assert _invite(client, headers, council=council).status_code == status
    assert client.get(f"/api/v1/councils/{council}/users").status_code == 401


def test_a_service_admin_made_on_the_command_line_manages_the_people_of_every_council(
    app, client, runner, smtp_server
):
    result = runner.invoke(
        args=["users", "create", "--email", "root@example.org", "--password", "correct horse battery",
              "--council", "derby-city", "--role", "panel_chair", "--service-admin"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (
        result.output.strip()
        == "Created root@example.org: panel_chair at derby-city; administrator of the service."
    )
    headers = {"Authorization": f"Bearer {token_for(client, 'root@example.org')}"}
    response = _invite(client, headers, council="kensington-and-chelsea", roles=["process_owner"])
    assert response.status_code == 201
    assert audit_actions(app, "kensington-and-chelsea") == [
        ("root@example.org", "user.invited", "new.officer@example.org")
    ]


def test_an_invited_user_who_has_not_set_a_password_cannot_sign_in_with_any(app, client, admin):
    _invite(client, admin)
    response = client.post("/api/v1/auth/token", json={"email": "new.officer@example.org", "password": "!"})
    assert response.status_code == 401
    assert response.get_json()["error"]["message"] == WRONG_CREDENTIALS


def test_an_email_the_server_refuses_is_given_up_and_shown(app, client, admin, smtp_server):
    smtp_server.refuse("550 5.1.1 No such mailbox")
    _invite(client, admin)
    report = send_link_emails(app)
    assert report.failed == [(1, "recipient refused: 550 5.1.1 No such mailbox")]
    listed = client.get("/api/v1/councils/derby-city/users", headers=admin).get_json()["items"]
    assert listed[1]["invitation_email"] == "failed"
    smtp_server.accept()
    assert send_link_emails(app).sent == []  # given up: a new invitation is the way


def test_the_workers_pass_sends_the_link_emails_after_the_letters(app, client, admin, smtp_server):
    from app.services.worker import run_pass

    _invite(client, admin)
    with app.app_context():
        report = run_pass()
    assert report.links.sent == [1]
    assert report.summary() == "1 invitation or reset e-mail(s) sent"
    assert [m["To"] for m in smtp_server.messages] == ["new.officer@example.org"]
