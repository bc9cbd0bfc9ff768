"""``POST /api/v1/cases/{id}/restriction`` (issue 17): the council's data protection staff restrict
a person's data on an open case; then only the case's officers and managers see it, and everyone
else who sees the case (panel chairs, process owners, admins, partner agencies) sees it withheld,
in the API and on the pages alike; audited; reversible."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.domain.restriction import WITHHELD
from app.extensions import db
from app.models import AuditEntry
from tests.factories.cases import application
from tests.factories.closed_cases import personal_application
from tests.factories.users import auth_headers
from tests.factories.web import signed_in

RESTRICT = {"person": "victim-1", "restricted": True, "reason": "Request of 2 December 2026 (DP-12)"}
LIFT = {"person": "victim-1", "restricted": False, "reason": "The victim withdrew the request"}


@pytest.fixture
def dpo(app, client):
    return auth_headers(app, client, role="data_protection", email="dpo.derby-city@example.org")


@pytest.fixture
def admin(app, client):
    return auth_headers(app, client, role="admin", email="admin.derby-city@example.org")


@pytest.fixture
def case(derby, at):
    """An open case at the threshold: acknowledged (a letter to the victim), the police's records
    check open."""
    at("2026-12-14T09:00:00+00:00")
    opened = derby.open_case(application(victims=[
        {"name": "Alex Victim", "email": "alex@example.org", "phone": "07700 900123",
         "address": "1 Mill Lane, Derby DE1 1AA", "vulnerable": True}
    ], summary="Alex Victim is shouted at by a neighbour; call Alex on 07700 900123."))  # fmt: skip
    return derby.complete(opened, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})


def restrict(client, case_id, headers, body=RESTRICT):
    return client.post(f"/api/v1/cases/{case_id}/restriction", json=body, headers=headers)


def test_only_officers_and_managers_see_a_restricted_persons_data(app, client, derby, case, dpo, admin):
    response = restrict(client, case["id"], dpo)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["restricted"] == ["victim-1"]
    assert [(r["person"], r["restricted_by"], r["lifted_at"]) for r in body["history"]] == [
        ("victim-1", "dpo.derby-city@example.org", None)
    ]

    for headers in (derby.as_("officer"), derby.as_("manager"), dpo):
        seen = client.get(f"/api/v1/cases/{case['id']}", headers=headers).get_json()
        assert seen["application"]["victims"][0]["name"] == "Alex Victim"
        assert seen["restricted"] == ["victim-1"]

    for headers in (derby.as_("chair"), derby.as_("owner"), admin):
        seen = client.get(f"/api/v1/cases/{case['id']}", headers=headers).get_json()
        victim = seen["application"]["victims"][0]
        assert victim == {"name": WITHHELD, "email": WITHHELD, "phone": WITHHELD, "address": WITHHELD,
                          "vulnerable": None, "restricted": True}  # fmt: skip
        assert (
            seen["application"]["summary"]
            == f"{WITHHELD} is shouted at by a neighbour; call {WITHHELD} on {WITHHELD}."
        )
        assert {r["reporter"] for i in seen["application"]["incidents"] for r in i["reports"]} == {WITHHELD}
        assert "Alex" not in str(seen) and "07700" not in str(seen)
        # Their letters are not listed, nor opened.
        assert client.get(f"/api/v1/cases/{case['id']}/documents", headers=headers).get_json()["items"] == []
    letters = client.get(f"/api/v1/cases/{case['id']}/documents", headers=derby.as_("officer")).get_json()[
        "items"
    ]
    assert letters
    assert client.get(f"/api/v1/documents/{letters[0]['id']}", headers=derby.as_("chair")).status_code == 404
    assert (
        client.get(f"/api/v1/documents/{letters[0]['id']}", headers=derby.as_("officer")).status_code == 200
    )

    # A partner agency: its records check's search details, then its part of the case once asked.
    (check,) = [t for t in client.get("/api/v1/tasks", headers=derby.as_("police")).get_json()["items"]]
    detail = client.get(f"/api/v1/tasks/{check['id']}", headers=derby.as_("police")).get_json()
    assert detail["context"]["search"]["victims"] == [{"name": WITHHELD, "address": WITHHELD}]
    officer_view = client.get(f"/api/v1/tasks/{check['id']}", headers=derby.as_("officer")).get_json()
    assert officer_view["context"]["search"]["victims"][0]["name"] == "Alex Victim"
    asked = derby.complete(derby.check_records(derby.complete(case, "screen_eligibility", {"eligible": True})),
                           "threshold_decision", {"threshold_met": True, "reasons": "Met."})  # fmt: skip
    derby.complete(asked, "request_information", {"agencies": ["police"]})
    partner = client.get(f"/api/v1/cases/{case['id']}", headers=derby.as_("police")).get_json()
    assert partner["victims"] == [{"name": WITHHELD, "address": WITHHELD}]
    assert "Alex" not in str(partner)
    page = signed_in(app, "police.derby-city@example.org").get(f"/cases/{case['id']}").get_data(as_text=True)
    assert "Alex Victim" not in page and WITHHELD in page

    # Pages say the same as the API.
    page = signed_in(app, "chair.derby-city@example.org").get(f"/cases/{case['id']}").get_data(as_text=True)
    assert "Alex Victim" not in page and "alex@example.org" not in page
    assert "The data of victim 1 is restricted" in page
    page = signed_in(app, "officer.derby-city@example.org").get(f"/cases/{case['id']}").get_data(as_text=True)
    assert "Alex Victim" in page and "The data of victim 1 is restricted" in page

    # Reversible.
    lifted = restrict(client, case["id"], dpo, LIFT).get_json()
    assert lifted["restricted"] == [] and lifted["history"][0]["lift_reason"] == LIFT["reason"]
    seen = client.get(f"/api/v1/cases/{case['id']}", headers=derby.as_("chair")).get_json()
    assert seen["application"]["victims"][0]["name"] == "Alex Victim"
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        assert [
            (e.action, e.subject, e.reason, e.details) for e in entries if e.action.startswith("case.")
        ] == [
            ("case.restricted", case["reference"], RESTRICT["reason"], {"person": "victim-1"}),
            ("case.restriction_lifted", case["reference"], LIFT["reason"], {"person": "victim-1"}),
        ]
    events = [
        h
        for h in derby.case(case["id"])["history"]
        if h["event"] in ("data_restricted", "restriction_lifted")
    ]
    assert [h["event"] for h in events] == ["data_restricted", "restriction_lifted"]
    assert all(RESTRICT["reason"] not in h["detail"] for h in events)  # the why is for the audit list


def test_restricting_twice_changes_nothing(client, derby, case, dpo):
    first = restrict(client, case["id"], dpo).get_json()
    version = derby.case(case["id"])["version"]
    again = restrict(client, case["id"], dpo, {**RESTRICT, "reason": "again"})
    assert again.status_code == 200 and again.get_json() == first
    assert derby.case(case["id"])["version"] == version


def test_the_applicant_of_a_third_party_application_can_be_restricted(client, derby, at, dpo):
    at("2026-12-14T09:00:00+00:00")
    opened = derby.open_case(personal_application())
    body = {"person": "applicant", "restricted": True, "reason": "Their request"}
    assert restrict(client, opened["id"], dpo, body).status_code == 200
    seen = client.get(f"/api/v1/cases/{opened['id']}", headers=derby.as_("chair")).get_json()
    assert seen["application"]["applicant"]["name"] == WITHHELD
    assert seen["application"]["victims"][0]["name"] == "Alex Victim"


@pytest.mark.parametrize(
    ("who", "status"),
    [("officer", 403), ("manager", 403), ("chair", 403), ("owner", 403), ("police", 404)],
    ids=["officer", "manager", "panel chair", "process owner", "partner not asked about it"],
)
def test_only_data_protection_staff_restrict(client, derby, case, who, status):
    assert restrict(client, case["id"], derby.as_(who)).status_code == status
    assert derby.case(case["id"])["restricted"] == []


def test_another_councils_data_protection_staff_are_told_no_such_case(app, client, case):
    other = auth_headers(app, client, role="data_protection", councils=("amber-valley",))
    assert restrict(client, case["id"], other).status_code == 404


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"person": "victim-3", "restricted": True, "reason": "r"}, "person", "has no person victim-3; its people: victim-1."),
        ({"person": "neighbour", "restricted": True, "reason": "r"}, "person", "Give applicant or victim-N."),
        ({"person": "victim-1", "restricted": "yes", "reason": "r"}, "restricted", "Must be true or false."),
        ({"person": "victim-1", "restricted": True}, "reason", "Missing data for required field."),
        ({"person": "victim-1", "restricted": True, "reason": " "}, "reason", "Must not be blank."),
    ],
    ids=["no such person", "not a person key", "not a boolean", "no reason", "blank reason"],
)  # fmt: skip
def test_bad_requests_are_refused_precisely(client, case, dpo, body, field, message):
    response = restrict(client, case["id"], dpo, body)
    assert response.status_code == 422
    assert any(message in text for text in response.get_json()["error"]["fields"][field])


def test_a_closed_case_is_not_restricted(client, derby, at, dpo, runner):
    from tests.factories.closed_cases import walk_to_closed

    closed = walk_to_closed(derby, at, "2026-12")
    response = restrict(client, closed["id"], dpo)
    assert response.status_code == 409
    assert response.get_json()["error"]["message"] == (
        f"Case {closed['reference']} is closed; a restriction is for an open case. Anonymise the closed case instead."
    )
