"""The audit list of a council (issue 16): written by services through app.services.audit.record,
read by the council's admins and managers, filtered, newest first, a page at a time."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import AuditEntry
from app.services import audit
from tests.factories.users import auth_headers

URL = "/api/v1/councils/derby-city/audit"


def _record(app, clock, at: str, council_id: str = "derby-city", **kwargs) -> None:
    clock.freeze(at)
    values = {"actor": "admin@example.org", "action": "settings.changed", "subject": "closures"} | kwargs
    with app.app_context():
        audit.record(council_id=council_id, **values)
        db.session.commit()


@pytest.fixture
def entries(app, clock):
    """Five entries at Derby City over three days, one at East Herts, and one of the service."""
    _record(app, clock, "2026-11-20T09:00:00+00:00", reason="Christmas closures")
    _record(
        app, clock, "2026-11-21T23:30:00+00:00", action="settings.confirmed", subject="appeal.within_days"
    )
    _record(app, clock, "2026-11-22T08:00:00+00:00", actor="Owner@Example.org", action="user.invited",
            subject="new.officer@example.org")  # fmt: skip
    _record(app, clock, "2026-11-22T10:00:00+00:00", actor="cli", action="user.role_added",
            subject="new.officer@example.org", details={"role": "community_safety_officer"})  # fmt: skip
    _record(
        app, clock, "2026-11-22T11:00:00+00:00", action="settingsx.other", subject="not a settings action"
    )
    _record(app, clock, "2026-11-22T12:00:00+00:00", council_id="east-herts")
    _record(app, clock, "2026-11-22T12:00:00+00:00", council_id=None, action="council.created", subject="x")
    clock.freeze("2026-11-23T10:00:00+00:00")


@pytest.fixture
def admin(app, client):
    return auth_headers(app, client, role="admin")


def _subjects(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [item["action"] + " " + item["subject"] for item in response.get_json()["items"]]


def test_the_list_is_the_councils_own_newest_first_with_every_field(client, entries, admin):
    response = client.get(URL, headers=admin)
    body = response.get_json()
    assert body["total"] == 5 and body["page"] == 1 and body["per_page"] == 25
    assert _subjects(response) == [
        "settingsx.other not a settings action",
        "user.role_added new.officer@example.org",
        "user.invited new.officer@example.org",
        "settings.confirmed appeal.within_days",
        "settings.changed closures",
    ]
    oldest = body["items"][-1]
    assert oldest["council"] == "derby-city"
    assert oldest["at"] == "2026-11-20T09:00:00+00:00"
    assert oldest["actor"] == "admin@example.org"
    assert oldest["reason"] == "Christmas closures"
    assert oldest["details"] is None
    assert body["items"][1]["details"] == {"role": "community_safety_officer"}
    assert body["items"][2]["actor"] == "owner@example.org"  # e-mail addresses are stored lower-case


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("action=settings", ["settings.confirmed appeal.within_days", "settings.changed closures"]),
        ("action=settings.changed", ["settings.changed closures"]),
        ("action=user.invited", ["user.invited new.officer@example.org"]),
        ("action=user.role", []),  # a prefix is a whole dotted part, not a start of a word
        ("actor=OWNER@example.org", ["user.invited new.officer@example.org"]),
        ("actor=cli", ["user.role_added new.officer@example.org"]),
        ("from=2026-11-22", ["settingsx.other not a settings action", "user.role_added new.officer@example.org",
                             "user.invited new.officer@example.org"]),
        ("to=2026-11-21", ["settings.confirmed appeal.within_days", "settings.changed closures"]),
        ("from=2026-11-21&to=2026-11-21", ["settings.confirmed appeal.within_days"]),
        ("from=2026-11-23", []),
        ("action=user&actor=cli&from=2026-11-22&to=2026-11-22", ["user.role_added new.officer@example.org"]),
    ],
)  # fmt: skip
def test_filters(client, entries, admin, query, expected):
    response = client.get(f"{URL}?{query}", headers=admin)
    assert _subjects(response) == expected
    assert response.get_json()["total"] == len(expected)


def test_days_are_days_in_england_and_wales(app, client, clock, admin):
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST).
    _record(app, clock, "2026-06-30T23:30:00+00:00")
    assert _subjects(client.get(f"{URL}?from=2026-07-01&to=2026-07-01", headers=admin)) == [
        "settings.changed closures"
    ]
    assert _subjects(client.get(f"{URL}?to=2026-06-30", headers=admin)) == []


def test_pages(client, entries, admin):
    first = client.get(f"{URL}?per_page=2", headers=admin).get_json()
    third = client.get(f"{URL}?per_page=2&page=3", headers=admin).get_json()
    assert (first["total"], len(first["items"]), third["total"], len(third["items"])) == (5, 2, 5, 1)
    assert third["items"][0]["subject"] == "closures"


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("from=1-12-2026", "from", "Not a valid date; use YYYY-MM-DD."),
        ("to=2026-02-30", "to", "Not a valid date; use YYYY-MM-DD."),
        ("from=2026-12-02&to=2026-12-01", "to", "Must be on or after from."),
        ("action=Settings%20changed", "action", 'Not an action: give one such as "settings.changed", or "settings" for all of them.'),
        ("actor=", "actor", "Length must be between 1 and 254."),
        ("per_page=101", "per_page", "Must be greater than or equal to 1 and less than or equal to 100."),
        ("colour=blue", "colour", "Unknown field."),
        ("action=a&action=b", "action", "Give this parameter once."),
    ],
)  # fmt: skip
def test_bad_filters_are_422_naming_the_field(client, admin, query, field, message):
    response = client.get(f"{URL}?{query}", headers=admin)
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"][field] == [message]


@pytest.mark.parametrize(
    ("role", "council", "status"),
    [
        ("admin", "derby-city", 200),
        ("community_safety_manager", "derby-city", 200),
        ("community_safety_officer", "derby-city", 403),
        ("process_owner", "derby-city", 403),
        ("panel_chair", "derby-city", 403),
        ("admin", "east-herts", 404),  # another council's admin: never told the list exists
    ],
)
def test_only_the_councils_admins_and_managers_read_it(app, client, entries, role, council, status):
    headers = auth_headers(app, client, role=role, councils=(council,))
    response = client.get(URL, headers=headers)
    assert response.status_code == status, response.get_json()
    if status == 403:
        assert response.get_json()["error"]["message"] == (
            "Only the council's admins and community safety managers see its audit list."
        )


def test_unknown_council_and_no_token(client, admin):
    assert client.get("/api/v1/councils/atlantis/audit", headers=admin).status_code == 404
    assert client.get(URL).status_code == 401


def test_an_entry_is_written_only_with_the_change_it_records(app, clock):
    """record() adds to the caller's transaction: rolled back with it, committed with it."""
    with app.app_context():
        audit.record(
            council_id="derby-city", actor="admin@example.org", action="settings.changed", subject="x"
        )
        db.session.rollback()
        assert db.session.query(AuditEntry).count() == 0
        audit.record(council_id="derby-city", actor="system", action="settings.changed", subject="y")
        db.session.commit()
        [entry] = db.session.query(AuditEntry).all()
        assert (entry.actor, entry.subject, entry.at.isoformat()) == (
            "system",
            "y",
            "2026-11-23T10:00:00+00:00",
        )
