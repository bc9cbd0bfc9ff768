"""POST /api/v1/councils (issue 16): an administrator of the service adds a council in one go."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Council, CouncilSettingsVersion
from app.services import council_settings, councils
from app.store import processes as process_store
from tests.factories.users import auth_headers, create_user
from tests.people.helpers import audit_actions

CONTACTS = {
    "team": "Community Safety Team",
    "email": "community.safety@newtown.example.org",
    "phone": "01632 960100",
    "address": "Town Hall, Newtown",
    "website": "https://www.newtown.example.org/",
}


def new_council(*leave_out: str, **overrides):
    body = {
        "id": "newtown",
        "name": "Newtown Borough Council",
        "nation": "wales",
        "county": "powys",
        "county_name": "Powys",
        "reference_prefix": "NEW",
        "contacts": CONTACTS,
        "process_owner": {"email": "owner@newtown.example.org", "name": "Olu Owner"},
        **overrides,
    }
    return {k: v for k, v in body.items() if k not in leave_out}


@pytest.fixture
def root(app, client, processes):
    """An administrator of the service (a panel chair at Derby City besides)."""
    return auth_headers(app, client, role="panel_chair", email="root@example.org", service_admin=True)


def test_a_council_is_added_with_its_settings_process_and_owner(app, client, root):
    response = client.post("/api/v1/councils", json=new_council(reason="Joining the service"), headers=root)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body | {"process_owner": None, "to_confirm": None} == {
        "id": "newtown",
        "name": "Newtown Borough Council",
        "nation": "wales",
        "county": "powys",
        "reference_prefix": "NEW",
        "process": {"key": "community_trigger_newtown", "version": None},
        "process_version": 1,
        "started_from": {"key": "community_trigger", "version": 1},
        "settings_version": 1,
        "to_confirm": None,
        "process_owner": None,
    }
    assert (body["process_owner"]["email"], body["process_owner"]["roles"], body["process_owner"]["status"]) == (
        "owner@newtown.example.org", ["process_owner"], "invited",
    )  # fmt: skip
    # Where the Act sets the floor, its values, each to confirm; and the copied diagram's limits.
    assert {"threshold.min_qualifying", "appeal.within_days", "retention_years",
            "diagram.acknowledge.dueOn", "diagram.case_review.dueOn"} <= set(body["to_confirm"])  # fmt: skip
    with app.app_context():
        policy = councils.policy_for("newtown")
        assert (policy.threshold.min_qualifying, policy.threshold.window_months) == (3, 6)
        assert (policy.appeal.within_days, policy.contacts.email) == (28, CONTACTS["email"])
        assert policy.calendar.nation == "wales"
        assert councils.registry().county("powys").council_ids == ("newtown",)
        # Its own process, version 1 a copy of the base diagram under its key, not live.
        version = process_store.latest_version("community_trigger_newtown")
        assert 'id="community_trigger_newtown"' in version.xml
        assert 'name="Community Trigger: Newtown Borough Council"' in version.xml
        assert process_store.active_version_for("newtown") is None
    # Its settings read through the settings API like any council's, by its own admin.
    assert audit_actions(app, "newtown") == [
        ("root@example.org", "settings.created", "closures, contacts, threshold, appeal, not_met_review, letters, "
         "retention_years, to_confirm"),
        ("root@example.org", "user.invited", "owner@newtown.example.org"),
        ("root@example.org", "council.created", "Newtown Borough Council"),
    ]  # fmt: skip
    listed = client.get("/api/v1/councils?per_page=100", headers=root).get_json()["items"]
    assert "newtown" in [c["id"] for c in listed]


def test_a_council_starts_from_another_councils_live_diagram(app, client, root):
    response = client.post(
        "/api/v1/councils", json=new_council("county_name", diagram_from="east-herts", county="hertfordshire"),
        headers=root,
    )  # fmt: skip
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["started_from"] == {"key": "community_trigger_east_herts", "version": 1}
    assert body["county"] == "hertfordshire"
    assert "diagram.contact_victim.dueOn" not in body["to_confirm"]  # not a statutory deadline
    with app.app_context():
        copy = process_store.latest_version("community_trigger_newtown")
        assert "contact_victim" in copy.xml  # East Herts' own step came along
        assert [c.id for c in councils.registry().councils_in("hertfordshire")] == ["east-herts", "newtown"]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ({"role": "admin"}, 403),
        ({"role": "process_owner"}, 403),
        ({"role": "community_safety_manager", "councils": ("east-herts",)}, 403),
    ],
    ids=["a-councils-admin", "a-process-owner", "a-manager"],
)
def test_only_administrators_of_the_service_add_councils(app, client, processes, who, status):
    headers = auth_headers(app, client, **who)
    response = client.post("/api/v1/councils", json=new_council(), headers=headers)
    assert response.status_code == status
    assert response.get_json()["error"]["message"] == "Only an administrator of the service adds councils."
    # Refused before the body is read: a bad body is still a 403.
    assert client.post("/api/v1/councils", json={"id": "x"}, headers=headers).status_code == 403
    assert client.post("/api/v1/councils", json=new_council()).status_code == 401
    with app.app_context():
        assert db.session.get(Council, "newtown") is None


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"id": "New Town"}, {"id": ["Must be a slug: lower-case letters and digits, separated by single hyphens."]}),
        ({"nation": "scotland"}, {"nation": ["Must be one of: england, wales."]}),
        ({"reference_prefix": "new"}, {"reference_prefix": ["Must be 2 to 6 capital letters."]}),
        ({"contacts": {**CONTACTS, "email": "not an address"}}, {"contacts": {"email": ["Not a valid email address."]}}),
        ({"contacts": {**CONTACTS, "fax": "1"}}, {"contacts": {"fax": ["Unknown field."]}}),
        ({"county_name": None}, {"county_name": ["Field may not be null."]}),
        ({"county": "derbyshire", "county_name": "Derbys"},
         {"county_name": ["The county 'derbyshire' is 'Derbyshire' already; leave its name out."]}),
        ({"county_name": "   "},
         {"county_name": ["Required for a new county ('powys' is not one yet): its name, e.g. \"Derbyshire\"."]}),
        ({"diagram_from": "atlantis"},
         {"diagram_from": ["No council 'atlantis' runs a live diagram to start from; leave it out for the base diagram."]}),
        ({"process_owner": {"email": "nobody"}}, {"process_owner": {"email": ["'nobody' is not an e-mail address."]}}),
        ({"mayor": "x"}, {"mayor": ["Unknown field."]}),
    ],
    ids=["id-not-a-slug", "nation", "prefix", "contact-email", "contact-unknown", "county-name-null",
         "county-renamed", "county-name-blank", "diagram-from-unknown", "owner-email", "unknown-field"],
)  # fmt: skip
def test_bad_input_is_a_422_naming_the_field(app, client, root, change, fields):
    response = client.post("/api/v1/councils", json=new_council(**change), headers=root)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["fields"] == fields
    with app.app_context():
        assert db.session.get(Council, "newtown") is None
        assert db.session.query(CouncilSettingsVersion).filter_by(council_id="newtown").count() == 0
        assert process_store.latest_version("community_trigger_newtown") is None
    assert audit_actions(app, "newtown") == []


def test_a_new_county_needs_its_name(app, client, root):
    response = client.post("/api/v1/councils", json=new_council("county_name"), headers=root)
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {
        "county_name": ["Required for a new county ('powys' is not one yet): its name, e.g. \"Derbyshire\"."]
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": "derby-city"}, "There is already a council 'derby-city'."),
        ({"reference_prefix": "DER"}, "The reference prefix 'DER' is already 'derby-city''s."),
    ],
    ids=["id-taken", "prefix-taken"],
)
def test_a_taken_id_or_prefix_is_a_409(app, client, root, change, message):
    response = client.post("/api/v1/councils", json=new_council(**change), headers=root)
    assert response.status_code == 409
    assert response.get_json()["error"]["message"] == message


def test_a_deactivated_owner_is_a_409_and_nothing_is_added(app, client, root):
    create_user(app, email="owner@newtown.example.org", role="process_owner")
    admin = auth_headers(app, client, role="admin")
    [owner] = [p for p in client.get("/api/v1/councils/derby-city/users", headers=admin).get_json()["items"]
               if p["email"] == "owner@newtown.example.org"]  # fmt: skip
    client.post(f"/api/v1/councils/derby-city/users/{owner['id']}/deactivate", headers=admin)
    response = client.post("/api/v1/councils", json=new_council(), headers=root)
    assert response.status_code == 409
    assert "deactivated" in response.get_json()["error"]["message"]
    with app.app_context():
        assert db.session.get(Council, "newtown") is None
        assert process_store.latest_version("community_trigger_newtown") is None


def test_a_process_key_taken_by_another_process_gets_a_number(app, client, root):
    # "derbyshire" (the county council) would be community_trigger_derbyshire, the county-wide process.
    response = client.post(
        "/api/v1/councils",
        json=new_council("county_name", id="derbyshire", county="derbyshire"),
        headers=root,
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["process"]["key"] == "community_trigger_derbyshire_2"


def test_someone_of_another_council_becomes_its_process_owner_without_an_invitation(app, client, root):
    create_user(app, email="owner@newtown.example.org", role="process_owner", councils=("east-herts",))
    response = client.post("/api/v1/councils", json=new_council(), headers=root)
    assert response.status_code == 201, response.get_json()
    owner = response.get_json()["process_owner"]
    assert (owner["status"], owner["roles"]) == ("active", ["process_owner"])  # signs in as before
    assert ("root@example.org", "user.role_added", "owner@newtown.example.org") in audit_actions(
        app, "newtown"
    )


def test_an_administrator_of_the_service_is_listed_every_council(app, client, root):
    body = client.get("/api/v1/councils?per_page=100", headers=root).get_json()
    assert body["total"] == 11  # a panel chair of Derby City only, and yet every council
    officer = auth_headers(app, client, role="community_safety_officer")
    assert [c["id"] for c in client.get("/api/v1/councils", headers=officer).get_json()["items"]] == [
        "derby-city"
    ]


# --- An administrator of the service runs any council (app/services/councils.py administers) ----


def test_an_administrator_of_the_service_reads_and_changes_a_new_councils_settings(app, client, root):
    assert client.post("/api/v1/councils", json=new_council(), headers=root).status_code == 201
    settings = client.get("/api/v1/councils/newtown/settings", headers=root)
    assert settings.status_code == 200, settings.get_json()
    assert settings.get_json()["editable"] == list(council_settings.EDITABLE_SECTIONS)
    assert all(item["may_confirm"] for item in settings.get_json()["to_confirm"])
    changed = client.patch(
        "/api/v1/councils/newtown/settings",
        json={
            "reason": "Our new number",
            "contacts": {"phone": "01632 960200"},
            "confirm": ["retention_years"],
        },
        headers=root,
    )
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["contacts"]["phone"] == "01632 960200"
    assert ("root@example.org", "settings.changed", "contacts") in audit_actions(app, "newtown")


def test_an_administrator_of_the_service_reads_any_councils_audit_list_and_people(app, client, root):
    assert client.post("/api/v1/councils", json=new_council(), headers=root).status_code == 201
    audit = client.get("/api/v1/councils/newtown/audit", headers=root)
    assert audit.status_code == 200, audit.get_json()
    assert "council.created" in {item["action"] for item in audit.get_json()["items"]}
    people = client.get("/api/v1/councils/newtown/users", headers=root)
    assert people.status_code == 200, people.get_json()
    assert [p["email"] for p in people.get_json()["items"]] == ["owner@newtown.example.org"]
    # A council they never added, and hold no role in, as well.
    assert client.get("/api/v1/councils/east-herts/audit", headers=root).status_code == 200
    assert client.get("/api/v1/councils/east-herts/settings", headers=root).status_code == 200
    assert client.get("/api/v1/councils/atlantis/settings", headers=root).status_code == 404
    assert client.get("/api/v1/councils/atlantis/audit", headers=root).status_code == 404


@pytest.mark.parametrize(
    ("role", "council", "settings", "audit", "people"),
    [
        ("admin", "derby-city", 404, 404, 404),  # another council's admin is told nothing
        ("admin", "newtown", 200, 200, 200),
        ("process_owner", "newtown", 200, 403, 403),
        ("community_safety_manager", "newtown", 200, 200, 403),
        ("partner_agency", "newtown", 403, 403, 403),
    ],
)
def test_everyone_else_keeps_their_access_to_a_council_added(app, client, root, role, council, settings, audit,
                                                             people):  # fmt: skip
    assert client.post("/api/v1/councils", json=new_council(), headers=root).status_code == 201
    headers = auth_headers(
        app, client, role=role, councils=(council,), agency="police" if role == "partner_agency" else None
    )
    base = "/api/v1/councils/newtown"
    assert client.get(f"{base}/settings", headers=headers).status_code == settings
    assert client.get(f"{base}/audit", headers=headers).status_code == audit
    assert client.get(f"{base}/users", headers=headers).status_code == people
    if settings == 200:
        editable = client.get(f"{base}/settings", headers=headers).get_json()["editable"]
        expected = {
            "admin": list(council_settings.EDITABLE_SECTIONS),
            "process_owner": list(council_settings.OWNER_SECTIONS),
        }.get(role, [])
        assert editable == expected
