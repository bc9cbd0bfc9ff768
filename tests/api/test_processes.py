"""Process owners upload, compare and put live versions of their council's diagram."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories.cases import application
from tests.factories.reading import deadlines

DERBYSHIRE = (
    Path(__file__).resolve().parents[2] / "processes" / "community_trigger_derbyshire.bpmn"
).read_text()
KEY = "community_trigger_derbyshire"


def upload(client, derby, xml: str | bytes, who: str = "owner", key: str = KEY):
    body = xml.encode() if isinstance(xml, str) else xml
    return client.post(f"/api/v1/processes/{key}/versions", data=body, content_type="application/xml",
                       headers=derby.as_(who))  # fmt: skip


def three_day_acknowledgement() -> str:
    changed = DERBYSHIRE.replace("add_working_days(received_on, 5)", "add_working_days(received_on, 3)", 1)
    assert changed != DERBYSHIRE
    return changed


def test_a_new_version_is_uploaded_compared_activated_and_only_new_cases_use_it(derby, client, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    before = derby.open_case(application())
    assert before["process"] == {"key": KEY, "version": 1}

    response = upload(client, derby, three_day_acknowledgement())
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["number"] == 2

    diff = client.get(f"/api/v1/processes/{KEY}/diff?from=1&to=2", headers=derby.as_("owner")).get_json()
    assert diff["added"] == [] and diff["removed"] == []
    assert diff["changed"] == [
        {
            "element": "acknowledge",
            "changes": {
                "dueOn": {
                    "from": "add_working_days(received_on, 5)",
                    "to": "add_working_days(received_on, 3)",
                }
            },
        }
    ]

    response = client.post(f"/api/v1/processes/{KEY}/versions/2/activate", json={"council": "derby-city"},
                           headers=derby.as_("owner"))  # fmt: skip
    assert response.status_code == 200, response.get_json()
    listing = client.get("/api/v1/processes", headers=derby.as_("owner")).get_json()["items"]
    [derbyshire] = [p for p in listing if p["key"] == KEY]
    assert [(v["number"], v["created_by"]) for v in derbyshire["versions"]] == [
        (1, None),  # shipped
        (2, "owner.derby-city@example.org"),
    ]
    assert {"council": "derby-city", "version": 2} in derbyshire["councils"]
    assert [(h["action"], h["version"], h["council"], h["actor"]) for h in derbyshire["history"]] == [
        ("version_saved", 2, None, "owner.derby-city@example.org"),
        ("activated", 2, "derby-city", "owner.derby-city@example.org"),
    ]
    # The council's own audit list says its new cases run another version, and which it replaced.
    [entry] = client.get(
        "/api/v1/councils/derby-city/audit?action=process", headers=derby.as_("manager")
    ).get_json()["items"]
    assert (entry["action"], entry["subject"], entry["details"]) == (
        "process.activated",
        f"{KEY} v2",
        {"before": f"{KEY} v1"},
    )

    after = derby.open_case(application())
    assert after["process"] == {"key": KEY, "version": 2}
    assert deadlines(after)["acknowledge"][0] == "2026-12-17"  # 3 working days
    # The case opened before keeps its version and its 5-day limit, and still runs.
    assert deadlines(derby.case(before["id"]))["acknowledge"][0] == "2026-12-21"
    case = derby.complete(before, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    assert case["process"] == {"key": KEY, "version": 1}


def test_the_same_diagram_twice_is_one_version(derby, client):
    assert upload(client, derby, three_day_acknowledgement()).get_json()["number"] == 2
    assert upload(client, derby, three_day_acknowledgement()).get_json()["number"] == 2


@pytest.mark.parametrize(
    ("xml", "element", "fragment"),
    [
        ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', "diagram",
         "not allowed"),
        ('<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><x>&b;</x>', "diagram",
         "not allowed"),
        ("this is not xml", "diagram", "Not well-formed XML"),
        ('<?xml version="1.0"?><html/>', "diagram", "Not a BPMN 2.0 diagram"),
        (DERBYSHIRE.replace('serviceTaskOperator id="escalate"', 'serviceTaskOperator id="launch_rockets"', 1),
         "escalate_acknowledge", "Unknown handler"),
        (DERBYSHIRE.replace('name="deadline" value="case_review"', 'name="deadline" value="review_sometime"', 1),
         "diagram", "'case_review' deadline"),
        (DERBYSHIRE.replace("add_working_days(received_on, 5)", "__import__('os')", 1), "acknowledge", "dueOn"),
        (DERBYSHIRE.replace('<bpmn:endEvent id="closed_ineligible"',
                            '<bpmn:task id="island" name="Drawn but not connected"/><bpmn:endEvent id="closed_ineligible"', 1),
         "island", "cannot be reached"),
    ],
    ids=["xxe", "entity-expansion", "not-xml", "not-bpmn", "unknown-handler", "missing-statutory-deadline",
         "due-expression-escape", "unreachable-element"],
)  # fmt: skip
def test_a_bad_diagram_is_422_with_every_problem_by_element(derby, client, xml, element, fragment):
    response = upload(client, derby, xml)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "invalid_diagram"
    assert any(fragment in message for message in error["fields"][element]), error["fields"]


def test_an_oversized_upload_is_413(app, derby, client):
    response = upload(client, derby, b"<x>" + b" " * app.config["MAX_CONTENT_LENGTH"] + b"</x>")
    assert response.status_code == 413


def test_only_a_process_owner_of_a_council_running_it_may_change_it(app, derby, client):
    from tests.factories.users import auth_headers

    assert upload(client, derby, three_day_acknowledgement(), who="officer").status_code == 403
    herts_owner = auth_headers(app, client, councils=("east-herts",), role="process_owner")
    response = client.post(f"/api/v1/processes/{KEY}/versions", data=three_day_acknowledgement().encode(),
                           content_type="application/xml", headers=herts_owner)  # fmt: skip
    assert response.status_code == 403
    response = client.post(f"/api/v1/processes/{KEY}/versions/1/activate", json={"council": "east-herts"},
                           headers=derby.as_("owner"))  # fmt: skip
    assert response.status_code == 403
    assert client.get("/api/v1/processes/no_such_process/diff?from=1&to=2",
                      headers=derby.as_("owner")).status_code == 404  # fmt: skip
    response = client.post(f"/api/v1/processes/{KEY}/versions", data="{}", content_type="application/json",
                           headers=derby.as_("owner"))  # fmt: skip
    assert response.status_code == 400


def test_an_upload_racing_another_for_the_next_number_reads_again(derby, client, monkeypatch):
    from app.store import processes as process_store

    real = process_store.next_version_number
    calls = []

    def raced(key):
        calls.append(key)
        return 1 if len(calls) == 1 else real(key)  # the first read loses to an upload of number 1

    monkeypatch.setattr(process_store, "next_version_number", raced)
    response = upload(client, derby, three_day_acknowledgement())
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["number"] == 2 and len(calls) == 2


def test_uploads_that_keep_losing_the_race_are_told_to_try_again(derby, client, monkeypatch):
    from app.store import processes as process_store

    monkeypatch.setattr(process_store, "next_version_number", lambda key: 1)
    response = upload(client, derby, three_day_acknowledgement())
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "conflict"
    listing = client.get("/api/v1/processes", headers=derby.as_("owner")).get_json()["items"]
    [derbyshire] = [p for p in listing if p["key"] == KEY]
    assert [v["number"] for v in derbyshire["versions"]] == [1] and derbyshire["history"] == []


# Issue 13: "Processes, versions, diffs and process owners' e-mail addresses are for staff with a
# role in the studio." Before, any signed-in member of a council running the process got them.
@pytest.mark.parametrize("who", ["officer", "manager", "police", "chair", "appeals"])
@pytest.mark.parametrize(
    "path", ["/api/v1/processes", f"/api/v1/processes/{KEY}/diff?from=1&to=2"], ids=["list", "diff"]
)
def test_processes_versions_and_diffs_are_only_for_a_studio_role(derby, client, who, path):
    upload(client, derby, three_day_acknowledgement())  # a version 2 saved by the owner, with their e-mail
    assert client.get(path, headers=derby.as_("owner")).status_code == 200
    response = client.get(path, headers=derby.as_(who))
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
    assert "owner.derby-city@example.org" not in response.get_data(as_text=True)


def test_the_list_holds_only_the_councils_where_the_caller_has_a_studio_role(app, derby, client):
    from app.extensions import db
    from app.models import Membership, User
    from tests.factories.users import create_user, token_for

    # An owner at Derby City who is only an officer at East Herts sees Derby City's process only.
    create_user(app, councils=("derby-city",), role="process_owner", email="both@example.org")
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(email="both@example.org")).scalar_one()
        db.session.add(Membership(user_id=user.id, council_id="east-herts", role="community_safety_officer"))
        db.session.commit()
    headers = {"Authorization": f"Bearer {token_for(client, 'both@example.org')}"}
    items = client.get("/api/v1/processes", headers=headers).get_json()["items"]
    assert [p["key"] for p in items] == [KEY]
    assert [c["council"] for c in items[0]["councils"]] == ["derby-city"]
    assert client.get("/api/v1/processes/community_trigger_east_herts/diff?from=1&to=1",
                      headers=headers).status_code == 404  # fmt: skip
