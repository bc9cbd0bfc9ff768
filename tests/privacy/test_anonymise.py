"""``POST /api/v1/cases/{id}/anonymise`` (issue 17): an erasure request, by the data protection
staff of the case's council only, on a closed case only, with a reason; idempotent; recorded."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, Document, EmailStatus
from tests.factories.cases import application
from tests.factories.closed_cases import PERSONAL, walk_to_closed
from tests.factories.users import auth_headers

REASON = {"reason": "Erasure request of 1 March 2027 (ref DP-77)"}


@pytest.fixture
def closed(derby, at):
    case = walk_to_closed(derby, at, "2026-12")
    at("2027-03-01T10:00:00+00:00")
    return case


@pytest.fixture
def dpo(app, client):
    return auth_headers(app, client, role="data_protection", email="dpo.derby-city@example.org")


def anonymise(client, case_id: int, headers, body=REASON):
    return client.post(f"/api/v1/cases/{case_id}/anonymise", json=body, headers=headers)


def test_data_protection_staff_anonymise_a_closed_case_once(app, client, derby, closed, dpo):
    response = anonymise(client, closed["id"], dpo)
    assert response.status_code == 200, response.get_json()
    case = response.get_json()
    assert case["anonymised_at"] == "2027-03-01T10:00:00+00:00"
    assert [text for text in PERSONAL if text in str(case)] == []
    assert case["deadlines"] == closed["deadlines"] and case["milestones"] == closed["milestones"]
    last = case["history"][-1]
    assert (last["event"], last["actor"]) == ("anonymised", "dpo.derby-city@example.org")
    assert last["detail"] == f"Personal data removed on 1 March 2027 on request: {REASON['reason']}"
    documents = client.get(f"/api/v1/cases/{closed['id']}/documents", headers=dpo).get_json()["items"]
    html = client.get(f"/api/v1/documents/{documents[0]['id']}?format=html", headers=dpo).get_data(
        as_text=True
    )
    assert "on request: Erasure request of 1 March 2027 (ref DP-77)" in html

    again = anonymise(client, closed["id"], dpo, {"reason": "Asked twice"})
    assert again.status_code == 200
    assert again.get_json()["version"] == case["version"]  # nothing changed
    assert [h["event"] for h in again.get_json()["history"]].count("anonymised") == 1
    with app.app_context():
        (entry,) = db.session.scalars(select(AuditEntry).filter_by(action="case.anonymised")).all()
        assert (entry.council_id, entry.actor, entry.subject, entry.reason, entry.details["why"]) == (
            "derby-city", "dpo.derby-city@example.org", closed["reference"], REASON["reason"], "request",
        )  # fmt: skip


def test_an_open_case_cannot_be_anonymised(client, derby, at, dpo):
    at("2026-12-14T09:00:00+00:00")
    case = derby.open_case(application())
    response = anonymise(client, case["id"], dpo)
    assert response.status_code == 409
    assert response.get_json()["error"]["message"] == (
        f"Case {case['reference']} is open (stage: acknowledgement); only a closed case can be "
        "anonymised. Restrict the person's data instead while it is open."
    )
    assert derby.case(case["id"])["application"]["victims"][0]["name"] == "Alex Victim"


def test_a_case_with_a_letter_still_being_sent_is_refused(app, client, closed, dpo):
    with app.app_context():
        letter = db.session.scalars(select(Document).filter_by(case_id=closed["id"])).first()
        letter.email_status, letter.email_next_attempt_at = EmailStatus.PENDING, letter.created_at
        db.session.commit()
        title = letter.title
    response = anonymise(client, closed["id"], dpo)
    assert response.status_code == 409
    assert f"still has a letter to send ({title})" in response.get_json()["error"]["message"]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({}, "reason", "Missing data for required field."),
        ({"reason": "   "}, "reason", "Must not be blank."),
        ({"reason": "x" * 2001}, "reason", "Longer than maximum length 2000."),
        ({"reason": "ok", "now": True}, "now", "Unknown field."),
    ],
    ids=["missing", "blank", "too long", "unknown field"],
)
def test_the_reason_is_required(client, closed, dpo, body, field, message):
    response = anonymise(client, closed["id"], dpo, body)
    assert response.status_code == 422
    assert message in response.get_json()["error"]["fields"][field]


@pytest.mark.parametrize(
    ("who", "status"),
    [("officer", 403), ("manager", 403), ("chair", 403), ("owner", 403), ("police", 403), ("icb", 404)],
    ids=["officer", "manager", "panel chair", "process owner", "partner asked", "partner not asked"],
)
def test_only_data_protection_staff_anonymise(client, derby, closed, who, status):
    response = anonymise(client, closed["id"], derby.as_(who))
    assert response.status_code == status
    assert derby.case(closed["id"])["anonymised_at"] is None


def test_another_councils_data_protection_staff_are_told_no_such_case(app, client, closed):
    other = auth_headers(app, client, role="data_protection", councils=("amber-valley",))
    response = anonymise(client, closed["id"], other)
    assert response.status_code == 404
    assert anonymise(client, 999999, other).status_code == 404


def test_an_admin_who_is_also_data_protection_may(app, client, closed):
    from app.models import Membership
    from app.store.users import get_user_by_email

    headers = auth_headers(app, client, role="admin", email="both@example.org")
    with app.app_context():
        user = get_user_by_email("both@example.org")
        user.memberships.append(Membership(council_id="derby-city", role="data_protection"))
        db.session.commit()
    assert anonymise(client, closed["id"], headers).status_code == 200


def test_a_change_racing_the_anonymisation_makes_one_of_them_fail_whole(
    app, client, closed, dpo, monkeypatch
):
    """While a case is anonymised its row is held: on PostgreSQL another writer cannot lock it
    (FOR UPDATE); on SQLite, a change committed meanwhile (its version moved on) makes the
    anonymisation a conflict, with nothing of it saved."""
    from sqlalchemy import text

    from app.services import anonymise as service

    original = service._replace_personal_data
    seen = {}

    def racing(case, *args, **kwargs):
        with db.engine.connect() as other:
            if app.config["BACKEND"] == "postgresql":
                try:
                    other.execute(text("SET lock_timeout = '200ms'"))
                    other.execute(text("SELECT id FROM case_file WHERE id = :id FOR UPDATE"), {"id": case.id})
                    seen["locked"] = False
                except Exception as exc:  # the lock is held by the anonymisation
                    seen["locked"] = "lock" in str(exc).lower()
            else:
                other.execute(
                    text("UPDATE case_file SET version = version + 1 WHERE id = :id"), {"id": case.id}
                )
                other.commit()
        original(case, *args, **kwargs)

    monkeypatch.setattr(service, "_replace_personal_data", racing)
    response = anonymise(client, closed["id"], dpo)
    if app.config["BACKEND"] == "postgresql":
        assert seen == {"locked": True}
        assert response.status_code == 200
    else:
        assert response.status_code == 409
        assert "changed by someone else" in response.get_json()["error"]["message"]
        with app.app_context():
            assert db.session.scalars(select(AuditEntry)).all() == []
        monkeypatch.setattr(service, "_replace_personal_data", original)
        case = client.get(f"/api/v1/cases/{closed['id']}", headers=dpo).get_json()
        assert case["anonymised_at"] is None and case["application"]["victims"][0]["name"] == "Alex Victim"
