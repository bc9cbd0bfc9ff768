"""The ``data_protection`` right (issue 17, spec/API.md ``ctflow users create``): a role a user
may be given at a council. It shows the council's cases and letters as staff see them, to
anonymise and restrict them (tests/privacy/test_anonymise.py), and works no task."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Membership, Role
from tests.factories.cases import application
from tests.factories.users import auth_headers


def test_users_create_gives_the_data_protection_role(app, runner):
    result = runner.invoke(
        args=["users", "create", "--email", "dpo@example.org", "--password", "long enough pw",
              "--council", "derby-city", "--role", "data_protection"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Created dpo@example.org: data_protection at derby-city." in result.output
    with app.app_context():
        (membership,) = db.session.scalars(select(Membership)).all()
        # Stored: the database's check of known roles (migration 0016) lets it in.
        assert (membership.council_id, membership.role) == ("derby-city", Role.DATA_PROTECTION)


@pytest.fixture
def case_with_letter(derby, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    case = derby.open_case(application(received_on="2026-12-10"))
    return derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})


@pytest.mark.parametrize("agency", [None, "police"])
def test_the_role_sees_the_councils_cases_and_letters_but_works_no_task(
    app, client, derby, case_with_letter, agency
):
    """Data protection staff see the council's cases and letters as staff do (they anonymise and
    restrict them), and no task: alone, or beside a partner agency's role (which must then still
    see only its agency's tasks)."""
    from app.services.users import create_user as create_user_service
    from tests.factories.users import token_for

    with app.app_context():
        user = create_user_service(
            email="dpo@example.org", password="long enough pw", councils=["derby-city"],
            role="partner_agency" if agency else "data_protection", agency=agency,
        )  # fmt: skip
        if agency:
            user.memberships.append(Membership(council_id="derby-city", role="data_protection"))
            db.session.commit()
    headers = {"Authorization": f"Bearer {token_for(client, 'dpo@example.org', 'long enough pw')}"}
    case = case_with_letter
    seen_case = client.get(f"/api/v1/cases/{case['id']}", headers=headers).get_json()
    assert (
        seen_case["audience"] == "staff" and seen_case["application"]["victims"][0]["name"] == "Alex Victim"
    )
    assert client.get("/api/v1/cases", headers=headers).get_json()["total"] == 1
    documents = client.get(f"/api/v1/cases/{case['id']}/documents", headers=headers).get_json()
    assert documents["items"]
    for document in documents["items"]:
        assert client.get(f"/api/v1/documents/{document['id']}", headers=headers).status_code == 200
    officer_tasks = client.get("/api/v1/tasks?scope=all", headers=derby.as_("officer")).get_json()["items"]
    assert officer_tasks  # the case has open tasks for the council's staff
    for task in officer_tasks:
        if agency and task["role"] == "partner_agency" and task.get("agency") in (None, agency):
            continue
        assert client.get(f"/api/v1/tasks/{task['id']}", headers=headers).status_code == 404
    seen = {t["id"] for t in client.get("/api/v1/tasks?scope=all", headers=headers).get_json()["items"]}
    # With the partner's role: the police's tasks, exactly as a police partner sees them.
    police = client.get("/api/v1/tasks?scope=all", headers=derby.as_("police")).get_json()["items"]
    assert seen == ({t["id"] for t in police} if agency else set())


def test_another_councils_data_protection_staff_see_nothing(app, client, derby, case_with_letter):
    headers = auth_headers(app, client, role="data_protection", councils=("amber-valley",))
    assert client.get(f"/api/v1/cases/{case_with_letter['id']}", headers=headers).status_code == 404
    assert client.get("/api/v1/cases", headers=headers).get_json()["total"] == 0


def test_a_council_officer_with_the_role_too_works_as_before(app, client, derby, case_with_letter):
    headers = auth_headers(app, client, role="community_safety_officer")
    with app.app_context():
        membership = db.session.scalars(select(Membership)).all()[-1]
        db.session.add(
            Membership(user_id=membership.user_id, council_id="derby-city", role="data_protection")
        )
        db.session.commit()
    assert client.get(f"/api/v1/cases/{case_with_letter['id']}", headers=headers).status_code == 200
    assert client.get("/api/v1/tasks", headers=headers).get_json()["total"] >= 1
