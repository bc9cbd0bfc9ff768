"""The error envelope on every kind of bad request, and a corpus of malformed bodies for every route."""

import pytest

from app.boundary import unstorable_message
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


# --- Numbers past the database's integer range (issue 13) ----------------------------------------

PAST_THE_RANGE = [2**31, 2**63, 10**20]


def _path_with(rule, number: int) -> str:
    """The rule's path with ``number`` for every integer and plausible words for the rest."""
    from werkzeug.routing import IntegerConverter

    words = {"council": "derby-city", "council_id": "derby-city", "key": "community_trigger_derbyshire"}
    values = {
        name: number if isinstance(converter, IntegerConverter) else words.get(name, "derby-city")
        for name, converter in rule._converters.items()
    }
    return rule.build(values, append_unknown=False)[1]


def test_every_integer_in_a_path_past_the_database_range_is_404(app, client, headers):
    from werkzeug.routing import IntegerConverter

    from tests.factories.users import create_user
    from tests.factories.web import signed_in

    browser = signed_in(app, create_user(app))
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if any(isinstance(c, IntegerConverter) for c in rule._converters.values())
    ]
    assert len(rules) >= 20, [r.rule for r in rules]
    for rule in rules:
        api = rule.endpoint.startswith("api.")
        for number in PAST_THE_RANGE:
            path = _path_with(rule, number)
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                response = (client if api else browser).open(
                    path, method=method, headers=headers if api else {}, json={}
                )
                assert response.status_code == 404, (method, path, response.status_code)
                if api:
                    assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/processes/community_trigger_derbyshire/diff?from={n}&to=1",
        "/api/v1/processes/community_trigger_derbyshire/diff?from=1&to={n}",
        "/api/v1/cases?page={n}",
        "/api/v1/tasks?per_page={n}",
        "/api/v1/calendar/working-days?from=2026-01-02&days={n}&nation=england",
        "/api/v1/reports/annual?year={n}&council=derby-city",
    ],
)
def test_every_integer_in_a_query_past_the_database_range_is_422(app, client, path):
    from tests.factories.users import auth_headers

    owner = auth_headers(app, client, role="process_owner")
    for number in PAST_THE_RANGE:
        response = client.get(path.format(n=number), headers=owner)
        assert response.status_code == 422, (path, response.get_json())
        assert response.get_json()["error"]["fields"], response.get_json()


def test_every_request_schema_bounds_its_integers_to_the_database_range(app):
    """A new integer field gets the bound from BaseSchema, so no query can overflow."""
    import importlib
    import pkgutil

    from marshmallow import ValidationError, fields

    import forms
    from app import schemas
    from app.boundary import DATABASE_INTEGER_MAX
    from app.schemas.common import BaseSchema

    for package in (schemas, forms):
        for module in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{package.__name__}.{module.name}")

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    checked = 0
    for schema_class in set(subclasses(BaseSchema)):
        try:
            schema = schema_class()
        except TypeError:
            continue  # needs arguments (a form's context); its fields are those of its bases
        for field in schema.fields.values():
            if isinstance(field, fields.Integer):
                with pytest.raises(ValidationError):
                    field.deserialize(DATABASE_INTEGER_MAX + 1)
                checked += 1
    assert checked >= 5


@pytest.mark.parametrize(
    "path",
    [
        "/?page={n}",
        "/?claimed_page={n}",
        "/studio/community_trigger_derbyshire?version={n}",
        "/studio/community_trigger_derbyshire/diff?from={n}&to={n}",
    ],
)
def test_web_pages_read_a_number_past_the_range_as_no_number(app, path, processes):
    from tests.factories.users import create_user
    from tests.factories.web import signed_in

    browser = signed_in(app, create_user(app, role="process_owner"))
    for number in PAST_THE_RANGE:
        response = browser.get(path.format(n=number))
        assert response.status_code in (200, 302, 404), (path, response.status_code)


def test_an_empty_council_in_the_calendar_is_422(app, client):
    from tests.factories.users import auth_headers

    response = client.get(
        "/api/v1/calendar/working-days?from=2026-01-02&days=3&council=", headers=auth_headers(app, client)
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {
        "council": ["Give a council id, or leave council out and give nation."]
    }


# --- Text the database cannot store (issue 13) -----------------------------------------------------

UNSTORABLE = {"nul": "\u0000", "lone-surrogate": "\ud800", "low-surrogate": "x\udfffy"}


@pytest.mark.parametrize("bad", UNSTORABLE.values(), ids=UNSTORABLE.keys())
def test_an_application_with_unstorable_text_is_422_and_nothing_is_saved(app, client, headers, bad):
    import json

    from tests.factories.cases import application

    body = application(received_on="2026-11-20", summary=f"noise{bad}")
    body["incidents"][0]["description"] = bad
    body["victims"][0][f"name{bad}"] = "key"
    response = client.post(
        "/api/v1/councils/derby-city/cases",
        data=json.dumps(body),  # ensure_ascii: the lone surrogate travels as \\ud800
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422, response.get_json()
    fields = response.get_json()["error"]["fields"]
    assert set(fields) == {"summary", "incidents", "victims"}, fields
    assert list(fields["incidents"]["0"]) == ["description"]
    assert list(fields["victims"]["0"]) == [f"name{bad}"]
    assert client.get("/api/v1/cases", headers=headers).get_json()["total"] == 1  # the fixture's case


@pytest.mark.parametrize("bad", UNSTORABLE.values(), ids=UNSTORABLE.keys())
def test_a_task_completion_with_unstorable_text_is_422(app, client, headers, bad):
    import json

    task = client.get("/api/v1/tasks", headers=headers).get_json()["items"][0]
    response = client.post(
        f"/api/v1/tasks/{task['id']}/complete",
        data=json.dumps({"notes": [f"a{bad}"]}),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"notes": {"0": [unstorable_message(bad)]}}
    assert client.get(f"/api/v1/tasks/{task['id']}", headers=headers).get_json()["status"] == "open"


def test_a_query_with_a_nul_is_422(app, client, headers):
    response = client.get("/api/v1/cases?q=a%00b", headers=headers)
    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == ["q"]


def test_a_web_form_with_a_nul_is_refused_with_422_and_nothing_is_kept(app, processes):
    from tests.factories.web import csrf_token

    browser = app.test_client()
    path = "/apply/derby-city/incidents/new"
    incident = {
        "occurred_on-day": "1", "occurred_on-month": "10", "occurred_on-year": "2026",
        "description": "Shouting\x00", "agency": "police", "method": "phone",
        "reported_on-day": "2", "reported_on-month": "10", "reported_on-year": "2026",
    }  # fmt: skip
    token = csrf_token(browser, "/apply/derby-city/who")
    browser.post("/apply/derby-city/who", data={"csrf_token": token, "applicant_type": "victim"})
    response = browser.post(path, data={**incident, "csrf_token": token})
    assert response.status_code == 422
    assert '<h1 class="govuk-heading-l">' in response.get_data(as_text=True)  # the page, not plain text
    assert "cannot be stored" in response.get_data(as_text=True)
    assert "Shouting" not in browser.get("/apply/derby-city/incidents").get_data(as_text=True)


@pytest.mark.parametrize("bad", ["", "\u0000"], ids=["clean", "nul"])
def test_a_body_nested_as_deep_as_json_allows_is_answered_without_a_500(app, client, headers, bad):
    """The unstorable-text check walks a body without recursion, and reports a deep find shallowly."""
    import json

    task = client.get("/api/v1/tasks", headers=headers).get_json()["items"][0]
    for depth in (100, 500, *range(900, 1001, 2)):  # up to just past what the parser takes here
        body = f'{{"notes": {"[" * depth}{json.dumps(bad)}{"]" * depth}}}'
        response = client.post(
            f"/api/v1/tasks/{task['id']}/complete",
            data=body,
            content_type="application/json",
            headers=headers,
        )
        assert response.status_code in (400, 422), (depth, response.status_code)
        if bad and response.status_code == 422:
            assert "notes" in response.get_json()["error"]["fields"]
