"""A new council from nothing to its first case (issue 16), with the e-mails caught by a real SMTP
server: an administrator of the service adds it, its process owner chooses a password from the
invitation's link and puts its diagram live, and an application starts a case at once."""

from __future__ import annotations

from tests.api.test_new_councils import new_council
from tests.factories.cases import application
from tests.factories.users import auth_headers, token_for
from tests.factories.web import signed_in
from tests.people.helpers import audit_actions, send_link_emails, token_in
from tests.smtp import smtp_server_fixture  # noqa: F401

OWNER_PASSWORD = "the owner's own passphrase"
OFFICER_PASSWORD = "the officer's own passphrase"


def _set_password(client, message, password):
    response = client.post("/api/v1/auth/password", json={"token": token_in(message), "password": password})
    assert response.status_code == 200, response.get_json()


def test_a_council_added_in_one_go_takes_its_first_case_once_its_owner_puts_a_version_live(
    app, client, processes, smtp_server
):
    root = auth_headers(app, client, role="panel_chair", email="root@example.org", service_admin=True)
    added = client.post("/api/v1/councils", json=new_council(diagram_from="derby-city"), headers=root)
    assert added.status_code == 201, added.get_json()
    key = added.get_json()["process"]["key"]
    assert key == "community_trigger_newtown"

    # The process owner's invitation, e-mailed in the new council's name.
    assert len(send_link_emails(app).sent) == 1
    [invitation] = smtp_server.messages
    assert invitation["To"] == "owner@newtown.example.org"
    # (A subject this long is folded onto a second line, which the parser reads back with a space before.)
    assert (
        invitation["Subject"].strip()
        == "Newtown Borough Council: you are invited to the Community Trigger service"
    )
    _set_password(client, invitation, OWNER_PASSWORD)
    owner = {"Authorization": f"Bearer {token_for(client, 'owner@newtown.example.org', OWNER_PASSWORD)}"}

    # Its settings are complete, and its assumed values the owner's to confirm, like any council's.
    settings = client.get("/api/v1/councils/newtown/settings", headers=owner).get_json()
    assert (
        settings["version"],
        settings["threshold"]["min_qualifying"],
        settings["appeal"]["within_days"],
    ) == (1, 3, 28)
    assumed = {item["key"]: item["may_confirm"] for item in settings["to_confirm"]}
    assert assumed["threshold.min_qualifying"] and assumed["diagram.acknowledge.dueOn"]
    assert not assumed["retention_years"]  # the council's admins confirm that
    confirmed = client.patch(
        "/api/v1/councils/newtown/settings",
        json={"reason": "Our procedure says 28 days", "confirm": ["appeal.within_days"]},
        headers=owner,
    )
    assert confirmed.status_code == 200, confirmed.get_json()
    assert "appeal.within_days" not in {item["key"] for item in confirmed.get_json()["to_confirm"]}
    page = signed_in(app, "owner@newtown.example.org", OWNER_PASSWORD).get("/councils/newtown/settings")
    assert page.status_code == 200 and "Community Safety Team" in page.get_data(as_text=True)

    # An officer too (the service's administrator manages every council's people).
    invited = client.post(
        "/api/v1/councils/newtown/users",
        json={"email": "officer@newtown.example.org", "roles": ["community_safety_officer"]},
        headers=root,
    )
    assert invited.status_code == 201
    send_link_emails(app)
    _set_password(client, smtp_server.messages[-1], OFFICER_PASSWORD)
    officer = {
        "Authorization": f"Bearer {token_for(client, 'officer@newtown.example.org', OFFICER_PASSWORD)}"
    }

    # Nothing is live yet: no application is taken.
    refused = client.post(
        "/api/v1/councils/newtown/cases", json=application(received_on="2026-11-23"), headers=officer
    )
    assert refused.status_code == 409, refused.get_json()
    assert refused.get_json()["error"]["message"] == (
        "Newtown Borough Council takes no applications yet: its process owner has put no version live."
    )
    assert client.get("/apply/newtown").status_code == 404
    assert "/apply/newtown" not in client.get("/").get_data(as_text=True)

    # The owner sees their process in the studio and puts version 1 live.
    processes_seen = client.get("/api/v1/processes", headers=owner).get_json()
    assert key in [p["key"] for p in processes_seen["items"]]
    live = client.post(
        f"/api/v1/processes/{key}/versions/1/activate", json={"council": "newtown"}, headers=owner
    )
    assert live.status_code == 200, live.get_json()

    case = client.post(
        "/api/v1/councils/newtown/cases", json=application(received_on="2026-11-23"), headers=officer
    )
    assert case.status_code == 201, case.get_json()
    body = case.get_json()
    assert body["reference"] == "NEW-2026-0001"
    assert body["process"] == {"key": key, "version": 1}
    assert (body["status"], body["stage"]) == ("open", "acknowledgement")
    assert [t["form"] for t in body["open_tasks"]][:1] == ["acknowledge"]
    assert {d["key"] for d in body["deadlines"]} >= {"acknowledge", "threshold_decision", "case_review"}
    assert client.get("/apply/newtown").status_code == 200
    assert "/apply/newtown" in client.get("/").get_data(as_text=True)

    # Every step is in the new council's audit list.
    assert [(actor, action) for actor, action, _ in audit_actions(app, "newtown")] == [
        ("root@example.org", "settings.created"),
        ("root@example.org", "user.invited"),
        ("root@example.org", "council.created"),
        ("owner@newtown.example.org", "user.invitation_accepted"),
        ("owner@newtown.example.org", "settings.confirmed"),
        ("root@example.org", "user.invited"),
        ("officer@newtown.example.org", "user.invitation_accepted"),
        ("owner@newtown.example.org", "process.activated"),  # from here it takes applications
    ]
