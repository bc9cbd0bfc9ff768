import pytest

from tests.factories.users import auth_headers


@pytest.fixture
def headers(app, client):
    return auth_headers(app, client, councils=("derby-city", "east-herts"))


def report(reported_on, agency="police", method="phone", reporter="Sam"):
    return {"agency": agency, "reported_on": reported_on, "method": method, "reporter": reporter}


def incident(id_, occurred_on, *reports):
    return {"id": id_, "occurred_on": occurred_on, "reports": list(reports)}


def test_three_separate_qualifying_complaints_meet_the_threshold(client, headers):
    body = {
        "received_on": "2026-11-02",
        "incidents": [
            incident("a", "2026-09-01", report("2026-09-02")),
            incident("b", "2026-10-01", report("2026-10-01", agency="council", method="email")),
            incident("c", "2026-10-20", report("2026-10-21", agency="housing_provider", method="writing")),
        ],
    }
    response = client.post("/api/v1/councils/derby-city/threshold-check", json=body, headers=headers)
    assert response.status_code == 200
    result = response.get_json()
    assert result["met"] is True
    assert result["route"] == "qualifying_complaints"
    assert (result["required"], result["qualifying_count"]) == (3, 3)
    assert result["qualifying_incidents"] == ["a", "b", "c"]
    assert result["excluded"] == []
    assert result["window"] == {"from": "2026-05-02", "to": "2026-11-02"}
    assert result["explanation"]


def check(client, headers, council, body):
    response = client.post(f"/api/v1/councils/{council}/threshold-check", json=body, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_the_acts_month_applies_where_the_councils_30_days_are_shorter(client, headers):
    # Reported 31 days after 1 October: within Derby City's 1 month, and at East Herts within the
    # Act's month though after its 30 days (the Act's floor, which the explanation names).
    body = {
        "received_on": "2026-11-20",
        "incidents": [
            incident("a", "2026-09-01", report("2026-09-02")),
            incident("b", "2026-09-15", report("2026-09-16")),
            incident("oct", "2026-10-01", report("2026-11-01")),
        ],
    }
    derby, herts = check(client, headers, "derby-city", body), check(client, headers, "east-herts", body)
    assert (derby["met"], derby["act_floor"]) == (True, [])
    assert (herts["met"], herts["qualifying_count"]) == (True, 3)
    assert herts["act_floor"] == [{"incident": "oct", "grounds": ["report_limit"]}]
    assert "later than the council's 30 days but within 1 month" in herts["explanation"]


def test_the_councils_30_days_apply_where_they_are_longer_than_the_month(client, headers):
    # 31 January + 30 days is 2 March, after the month (28 February).
    body = {"received_on": "2026-06-20", "incidents": [incident("feb", "2026-01-31", report("2026-03-02"))]}
    derby, herts = check(client, headers, "derby-city", body), check(client, headers, "east-herts", body)
    assert derby["excluded"] == [
        {"incident": "feb", "reason": "no_qualifying_report", "report_reasons": ["reported_late"]}
    ]
    assert (herts["qualifying_incidents"], herts["act_floor"]) == (["feb"], [])


def test_incident_ids_default_to_their_position_and_received_on_to_today(client, headers):
    body = {"incidents": [{"occurred_on": "2026-11-01", "reports": [report("2026-11-01")]}]}
    result = client.post("/api/v1/councils/derby-city/threshold-check", json=body, headers=headers).get_json()
    assert result["qualifying_incidents"] == ["1"]
    assert result["window"]["to"] == "2026-11-23"  # the frozen clock's today


def test_a_discretionary_activation_meets_it_for_a_senior_officer(client, headers):
    body = {
        "received_on": "2026-11-02",
        "incidents": [],
        "discretionary": {
            "by": "A. Manager",
            "role": "community_safety_manager",
            "reason": "vulnerable victim",
        },
    }
    result = client.post("/api/v1/councils/derby-city/threshold-check", json=body, headers=headers).get_json()
    assert (result["met"], result["route"], result["discretionary_accepted"]) == (True, "discretionary", True)


@pytest.mark.parametrize(
    ("body", "field_path"),
    [
        ({}, ["incidents"]),
        ({"incidents": [], "received_on": "2026-11-24"}, ["received_on"]),
        ({"incidents": [], "colour": "red"}, ["colour"]),
        ({"incidents": [{"reports": []}]}, ["incidents", "0", "occurred_on"]),
        ({"incidents": [incident("a", "2026-11-01", report("2026-11-01", agency="fire"))]},
         ["incidents", "0", "reports", "0", "agency"]),
        ({"incidents": [incident("a", "2026-11-01", report("2026-11-01", method="pigeon"))]},
         ["incidents", "0", "reports", "0", "method"]),
        ({"incidents": [incident("a", "2026-11-01"), incident("a", "2026-11-02")]}, ["incidents", "1", "id"]),
        ({"incidents": [incident("2", "2026-11-01"), {"occurred_on": "2026-11-02"}]}, ["incidents", "1", "id"]),
        ({"incidents": [], "discretionary": {"by": "x", "role": "y"}}, ["discretionary", "reason"]),
        ({"incidents": [], "discretionary": {"by": "  ", "role": "y", "reason": "z"}}, ["discretionary", "by"]),
        ({"incidents": "none"}, ["incidents"]),
        ({"incidents": [{"id": "   ", "occurred_on": "2026-11-01"}]}, ["incidents", "0", "id"]),
        ({"incidents": [{"occurred_on": "2026-11-01", "reports": [{}]}]},
         ["incidents", "0", "reports", "0", "reported_on"]),
    ],
    ids=[
        "no-incidents-field", "received-in-future", "unknown-field", "incident-without-date",
        "unknown-agency", "unknown-method", "duplicate-id", "clash-with-positional-id",
        "discretionary-without-reason", "discretionary-blank-by", "incidents-not-a-list", "blank-incident-id", "empty-report",
    ],
)  # fmt: skip
def test_invalid_bodies_are_422_with_the_field_path(client, headers, body, field_path):
    response = client.post("/api/v1/councils/derby-city/threshold-check", json=body, headers=headers)
    assert response.status_code == 422, response.get_json()
    node = response.get_json()["error"]["fields"]
    for key in field_path:
        assert key in node, (key, node)
        node = node[key]
    assert isinstance(node, list) and node and all(isinstance(m, str) for m in node)


def test_a_council_the_caller_does_not_belong_to_is_404_like_an_unknown_one(client, headers):
    body = {"incidents": []}
    for council in ("kensington-and-chelsea", "atlantis"):
        response = client.post(f"/api/v1/councils/{council}/threshold-check", json=body, headers=headers)
        assert response.status_code == 404
        assert response.get_json() == {"error": {"code": "not_found", "message": "No such council."}}


def test_reports_carry_the_agencys_confirmation_and_incidents_a_hate_motive(client, headers):
    body = {
        "received_on": "2026-11-20",
        "incidents": [
            {
                "id": "a",
                "occurred_on": "2026-09-01",
                "hate_motivated": True,
                "reports": [{**report("2026-09-02"), "confirmed": False, "not_confirmed": "no call logged"}],
            },
            incident("b", "2026-09-15", {**report("2026-09-16"), "confirmed": True}),
            incident(
                "c", "2026-10-15", {**report("2026-10-16", agency="youth_offending"), "confirmed": None}
            ),
        ],
    }
    result = check(client, headers, "derby-city", body)
    assert result["qualifying_incidents"] == ["b", "c"]  # Derbyshire counts the Youth Offending Service
    assert result["excluded"] == [
        {"incident": "a", "reason": "no_qualifying_report", "report_reasons": ["not_confirmed"]}
    ]
    assert "not found in the records of the police (no call logged)" in result["explanation"]
    herts = check(client, headers, "east-herts", body)
    assert herts["excluded"][-1] == {
        "incident": "c",
        "reason": "no_qualifying_report",
        "report_reasons": ["ineligible_agency"],
    }


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"confirmed": "yes"}, "confirmed"),
        ({"confirmed": None, "not_confirmed": "no record"}, "not_confirmed"),
        ({"confirmed": True, "not_confirmed": "no record"}, "not_confirmed"),
    ],
    ids=["confirmed-not-bool", "reason-while-unchecked", "reason-while-confirmed"],
)
def test_a_bad_confirmation_is_422_on_its_field(client, headers, extra, field):
    body = {"incidents": [incident("a", "2026-11-01", {**report("2026-11-01"), **extra})]}
    response = client.post("/api/v1/councils/derby-city/threshold-check", json=body, headers=headers)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]["incidents"]["0"]["reports"]["0"]


def test_hate_motivated_must_be_a_boolean(client, headers):
    body = {"incidents": [{"occurred_on": "2026-11-01", "hate_motivated": "yes"}]}
    response = client.post("/api/v1/councils/derby-city/threshold-check", json=body, headers=headers)
    assert response.status_code == 422
    assert "hate_motivated" in response.get_json()["error"]["fields"]["incidents"]["0"]
