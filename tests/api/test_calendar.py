import pytest

from tests.factories.users import auth_headers


@pytest.fixture
def headers(app, client):
    return auth_headers(app, client)


def test_working_days_over_christmas_lists_every_skipped_day(client, headers):
    response = client.get(
        "/api/v1/calendar/working-days?from=2026-12-21&days=5&council=derby-city", headers=headers
    )
    assert response.status_code == 200
    body = response.get_json()
    assert (body["from"], body["days"], body["due_on"]) == ("2026-12-21", 5, "2026-12-30")
    assert body["council"] == "derby-city" and body["nation"] == "england"
    assert [(s["date"], s["kind"]) for s in body["skipped"]] == [
        ("2026-12-25", "bank_holiday"),
        ("2026-12-26", "weekend"),
        ("2026-12-27", "weekend"),
        ("2026-12-28", "bank_holiday"),
    ]
    assert "Boxing Day" in body["skipped"][3]["reason"]


def test_a_nation_may_replace_the_council(client, headers):
    body = client.get(
        "/api/v1/calendar/working-days?from=2026-04-02&days=1&nation=wales", headers=headers
    ).get_json()
    assert body["due_on"] == "2026-04-07"  # Good Friday 3 April, the weekend, Easter Monday 6 April
    assert body["council"] is None and body["nation"] == "wales"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("days=5&council=derby-city", "from"),
        ("from=2026-12-21&council=derby-city", "days"),
        ("from=2026-12-21&days=0&council=derby-city", "days"),
        ("from=2026-12-21&days=2001&council=derby-city", "days"),
        ("from=2026-12-21&days=five&council=derby-city", "days"),
        ("from=21/12/2026&days=5&council=derby-city", "from"),
        ("from=2026-02-30&days=5&council=derby-city", "from"),
        ("from=0001-01-01&days=5&council=derby-city", "from"),
        ("from=2026-12-21&days=5", "council"),
        ("from=2026-12-21&days=5&council=derby-city&nation=england", "council"),
        ("from=2026-12-21&days=5&nation=scotland", "nation"),
        ("from=2026-12-21&days=5&council=atlantis", "council"),
        ("from=2026-12-21&days=5&days=6&council=derby-city", "days"),
        ("from=2026-12-21&days=5&council=derby-city&colour=red", "colour"),
    ],
    ids=[
        "no-from", "no-days", "zero-days", "too-many-days", "days-not-a-number", "from-not-iso",
        "impossible-date", "ancient-date", "no-council-or-nation", "both-council-and-nation",
        "unknown-nation", "unknown-council", "repeated-parameter", "unknown-parameter",
    ],
)  # fmt: skip
def test_bad_queries_are_422_naming_the_field(client, headers, query, field):
    response = client.get(f"/api/v1/calendar/working-days?{query}", headers=headers)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_failed"
    assert field in error["fields"], error


def test_calendar_needs_a_token(client):
    assert (
        client.get("/api/v1/calendar/working-days?from=2026-12-21&days=5&nation=england").status_code == 401
    )


def test_the_far_edge_of_the_calendar_still_answers(client, headers):
    response = client.get(
        "/api/v1/calendar/working-days?from=2199-12-31&days=2000&council=derby-city", headers=headers
    )
    assert response.status_code == 200
    assert response.get_json()["due_on"].startswith("2207-")
