"""Opening cases, listing them, and the review of a "not met" decision."""

from __future__ import annotations

import threading

import pytest

from tests.factories.cases import application, third_party_application
from tests.factories.reading import run_timers


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (application(applicant_type="visitor"), "applicant_type"),
        (application(victims=[]), "victims"),
        (application(victims=[{"name": "  "}]), "victims"),
        (third_party_application(applicant={"email": "x@example.org"}), "applicant"),
        (application(applicant_type="agency", applicant={"name": "Pat"}), "applicant"),
        (application(received_on="2027-01-01"), "received_on"),
        (application(channel="carrier_pigeon"), "channel"),
        (application(declaration=False), "declaration"),
        (application(consent={"given": True}), "consent"),
        (application(victims=[{"name": "A", "email": "not-an-email"}]), "victims"),
        (application(favourite_colour="blue"), "favourite_colour"),
    ],
    ids=["unknown-applicant-type", "victim-without-victims", "victim-blank-name", "third-party-without-name",
         "agency-without-organisation", "received-in-future", "unknown-channel", "no-declaration",
         "consent-without-evidence", "bad-email", "unknown-field"],
)  # fmt: skip
def test_an_invalid_application_is_422_and_opens_nothing(derby, client, clock, body, field):
    clock.freeze("2026-12-14T09:00:00+00:00")
    response = client.post("/api/v1/councils/derby-city/cases", json=body, headers=derby.as_("officer"))
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    assert client.get("/api/v1/cases", headers=derby.as_("officer")).get_json()["total"] == 0


def test_only_council_staff_open_cases(derby, client, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    for who in ("police", "chair"):
        response = client.post(
            "/api/v1/councils/derby-city/cases", json=application(), headers=derby.as_(who)
        )
        assert response.status_code == 403, who
    response = client.post(
        "/api/v1/councils/east-herts/cases", json=application(), headers=derby.as_("officer")
    )
    assert response.status_code == 404


def test_references_count_per_council_and_year_and_received_on_defaults_to_today(derby, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    body = application()
    del body["received_on"]
    first = derby.open_case(body)
    second = derby.open_case(application(received_on="2026-12-01"))
    assert (first["reference"], first["received_on"]) == ("DER-2026-0001", "2026-12-14")
    assert second["reference"] == "DER-2026-0002"


def test_concurrent_applications_get_distinct_references(app, derby):
    references = []
    barrier = threading.Barrier(4)

    def open_one():
        with app.test_client() as own:
            barrier.wait()
            response = own.post("/api/v1/councils/derby-city/cases", json=application(received_on="2026-11-20"),
                                headers=derby.as_("officer"))  # fmt: skip
            assert response.status_code == 201, response.get_json()
            references.append(response.get_json()["reference"])

    threads = [threading.Thread(target=open_one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(references) == [f"DER-2026-000{n}" for n in range(1, 5)]


def test_cases_are_listed_with_filters(derby, client, runner, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    open_case = derby.open_case(application(received_on="2026-12-01"))
    closing = derby.open_case(application())
    closing = derby.complete(closing, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    derby.complete(closing, "screen_eligibility", {"eligible": False, "reason": "vexatious"})
    run_timers(runner, "2027-01-12T00:00:01+00:00")  # no challenge to the ineligible decision: it closes

    def ids(query):
        response = client.get(f"/api/v1/cases?{query}", headers=derby.as_("officer"))
        assert response.status_code == 200, response.get_json()
        return [c["id"] for c in response.get_json()["items"]]

    assert ids("") == [closing["id"], open_case["id"]]
    assert ids("status=closed") == [closing["id"]]
    assert ids("status=open&stage=acknowledgement") == [open_case["id"]]
    assert ids("overdue=true") == [open_case["id"]]  # acknowledgement was due 8 December
    assert ids("council=derby-city&per_page=1&page=2") == [open_case["id"]]
    assert client.get("/api/v1/cases?status=lost", headers=derby.as_("officer")).status_code == 422


def test_a_refusal_can_be_reviewed_and_overturned_into_the_met_path(derby, client, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    case = derby.open_case(application(incidents=[application()["incidents"][0]]))
    case = derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    case = derby.complete(case, "screen_eligibility", {"eligible": True})
    case = derby.check_records(case)
    case = derby.complete(case, "threshold_decision", {"threshold_met": False, "reasons": "One incident."})
    window = {d["key"]: d for d in case["deadlines"]}["review_request_window"]
    assert window["due_on"] == "2027-01-11"  # 28 days after the decision of 14 December
    response = client.post(f"/api/v1/cases/{case['id']}/appeals",
                           json={"received_on": "2026-12-14", "grounds": "Two more incidents were not counted."},
                           headers=derby.as_("officer"))  # fmt: skip
    assert response.status_code == 201, response.get_json()
    case = response.get_json()
    assert case["appeals"][0]["kind"] == "review_request"
    assert [t["form"] for t in case["open_tasks"]] == ["decide_appeal"]
    case = derby.complete(case, "decide_appeal", {"decided_on": "2026-12-14", "upheld": True, "reasons": "Counted."},
                          who="appeals")  # fmt: skip
    keys = [m["key"] for m in case["milestones"]]
    assert keys[-3:] == ["appeal_lodged", "appeal_decided", "threshold_met"]
    decision = case["threshold"]["decision"]
    assert decision["met"] is True
    assert decision["overturned"] == {
        "by": "appeals.derby-city@example.org",
        "on": "2026-12-14",
        "reasons": "Counted.",
    }
    assert [t["form"] for t in case["open_tasks"]] == ["request_information"]


def test_two_sweeps_at_once_fire_a_timer_once(app, derby, clock):
    from app.clock import parse_instant
    from app.services.timers import fire_due_timers

    clock.freeze("2026-12-14T09:00:00+00:00")
    case = derby.open_case(application())
    barrier = threading.Barrier(2)
    reports = []

    def sweep():
        with app.app_context():
            barrier.wait()
            reports.append(fire_due_timers(parse_instant("2026-12-22T00:00:01+00:00")))

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(len(r.fired) for r in reports) == 1
    history = derby.case(case["id"])["history"]
    # The acknowledgement and the records check, both due on 21 December: each escalated once.
    escalated = sorted(h["detail"] for h in history if h["event"] == "escalated")
    assert escalated == [
        "Acknowledge the completed application: overdue, escalated to community safety manager",
        "Check the agency's records of the reported complaints: overdue, escalated to community safety manager",
    ]
