"""The error envelope on every kind of bad request, and a corpus of malformed bodies for every route."""

import pytest

from tests.factories.users import auth_headers

ROUTES = [
    ("GET", "/api/v1/health"),
    ("POST", "/api/v1/auth/token"),
    ("POST", "/api/v1/auth/logout"),
    ("GET", "/api/v1/me"),
    ("GET", "/api/v1/councils"),
    ("GET", "/api/v1/calendar/working-days"),
    ("POST", "/api/v1/councils/derby-city/threshold-check"),
    ("GET", "/api/v1/openapi.json"),
    ("POST", "/api/v1/councils/derby-city/cases"),
    ("GET", "/api/v1/cases"),
    ("GET", "/api/v1/cases/1"),
    ("POST", "/api/v1/cases/1/appeals"),
    ("GET", "/api/v1/tasks"),
    ("GET", "/api/v1/tasks/1"),
    ("POST", "/api/v1/tasks/1/claim"),
    ("POST", "/api/v1/tasks/1/unclaim"),
    ("POST", "/api/v1/tasks/1/complete"),
    ("GET", "/api/v1/processes"),
    ("POST", "/api/v1/processes/community_trigger_derbyshire/versions"),
    ("POST", "/api/v1/processes/community_trigger_derbyshire/versions/1/activate"),
    ("GET", "/api/v1/processes/community_trigger_derbyshire/diff"),
]

MALFORMED_BODIES = [
    (b"", "application/json"),
    (b"{", "application/json"),
    (b"not json", "application/json"),
    (b"[]", "application/json"),
    (b"null", "application/json"),
    (b"42", "application/json"),
    (b'"a string"', "application/json"),
    (b'{"incidents": NaN}', "application/json"),
    (b'{"email": Infinity}', "application/json"),
    (b"\xff\xfe\x00garbage", "application/json"),
    (b"[" * 100_000 + b"]" * 100_000, "application/json"),
    (b'{"a":' * 5000 + b"1" + b"}" * 5000, "application/json"),
    (b'{"incidents": [{"occurred_on": "2026-01-01", "reports": [{"reported_on": 20260101}]}]}', "application/json"),
    (b'{"incidents": [{"occurred_on": "9999-12-31"}], "received_on": "0001-01-01"}', "application/json"),
    (b'{"incidents": [{"occurred_on": ["2026-01-01"]}]}', "application/json"),
    (b'{"incidents": [], "discretionary": "yes"}', "application/json"),
    (b'{"email": {"$ne": null}, "password": ["x"]}', "application/json"),
    (b'{"email": "a@b.c", "password": "x"}', "text/plain"),
    (b"email=a&password=b", "application/x-www-form-urlencoded"),
    (b'{"incidents": []}', "application/xml"),
    (b'{"incidents": [' + b'{"occurred_on": "2026-01-01"},' * 600 + b'{"occurred_on": "2026-01-01"}]}', "application/json"),
    ('{"email": "é@ü.ö", "password": "\u0000"}'.encode(), "application/json"),
]  # fmt: skip


@pytest.fixture
def headers(app, client, processes):
    """An officer of Derby City, where one case with an open task exists (ids 1)."""
    from tests.factories.cases import application

    headers = auth_headers(app, client)
    response = client.post(
        "/api/v1/councils/derby-city/cases", json=application(received_on="2026-11-20"), headers=headers
    )
    assert response.status_code == 201, response.get_json()
    return headers


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_no_malformed_body_produces_a_server_error(client, headers, method, path):
    for body, content_type in MALFORMED_BODIES:
        for sent_headers in (headers, {}):
            response = client.open(
                path, method=method, data=body, content_type=content_type, headers=sent_headers
            )
            assert response.status_code < 500, (body[:60], content_type, response.get_json())
            if response.status_code >= 400:
                error = response.get_json()["error"]
                assert error["code"] and error["message"], error


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        (b"{", "application/json", 400, "bad_request"),
        (b"", "application/json", 400, "bad_request"),
        (b'{"email": "x"}', "text/plain", 400, "bad_request"),
        (b'{"x": NaN}', "application/json", 400, "bad_request"),
        (b"[" * 100_000, "application/json", 400, "bad_request"),
        (b"[]", "application/json", 422, "validation_failed"),
        (
            b'{"email": "a@b.c", "password": "x", "remember": true}',
            "application/json",
            422,
            "validation_failed",
        ),
    ],
    ids=["truncated", "empty", "wrong-content-type", "nan", "deep-nesting", "not-an-object", "unknown-field"],
)
def test_body_errors_have_the_right_status(client, body, content_type, status, code):
    response = client.post("/api/v1/auth/token", data=body, content_type=content_type)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code


def test_oversized_body_is_413(app, client, headers):
    big = b'{"incidents": [], "padding": "' + b"x" * app.config["MAX_CONTENT_LENGTH"] + b'"}'
    response = client.post(
        "/api/v1/councils/derby-city/threshold-check",
        data=big,
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"


def test_unknown_route_is_404_json(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.get_json() == {"error": {"code": "not_found", "message": "No such resource."}}


def test_wrong_method_is_405_json_with_allow(client):
    response = client.delete("/api/v1/health")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


def test_validation_errors_list_every_field_at_once(client):
    response = client.post("/api/v1/auth/token", json={"emial": "x"})
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"emial", "email", "password"}


def test_an_unexpected_error_is_a_json_500_without_internals(app, client, monkeypatch):
    from app.services import councils

    def explode(_user):
        raise RuntimeError("secret internals")

    headers = auth_headers(app, client)
    monkeypatch.setattr(councils, "councils_visible_to", explode)
    response = client.get("/api/v1/councils", headers=headers)
    assert response.status_code == 500
    assert "secret" not in response.get_data(as_text=True)
    assert response.get_json()["error"]["code"] == "internal_error"
