import re

import pytest


def test_openapi_documents_every_api_route_from_the_schemas(app, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.")
    documented = {(method.upper(), path) for path, ops in spec["paths"].items() for method in ops}
    routed = {
        (method, re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routed == documented
    schemas = spec["components"]["schemas"]
    for name in ("ThresholdCheck", "ThresholdResult", "Incident", "Report", "WorkingDays", "Token", "Error"):
        assert name in schemas, sorted(schemas)
    assert schemas["Report"]["properties"]["agency"]["enum"] == [
        "council",
        "police",
        "housing_provider",
        "icb",
        "youth_offending",
        "other",
    ]
    assert schemas["ThresholdCheck"]["additionalProperties"] is False


def test_the_document_is_valid_openapi(client):
    from openapi_spec_validator import validate

    validate(client.get("/api/v1/openapi.json").get_json())


def test_every_operation_documents_the_errors_every_request_of_its_kind_can_get(app, client):
    """401 behind the token check, 400 where a body is read, 422 where a body or query is."""
    from app.api import PUBLIC_ENDPOINTS

    spec = client.get("/api/v1/openapi.json").get_json()
    public_paths = {
        re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint in PUBLIC_ENDPOINTS
    }
    assert len(public_paths) == len(PUBLIC_ENDPOINTS)
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            statuses = set(operation["responses"])
            where = f"{method.upper()} {path}"
            if path not in public_paths:
                assert "401" in statuses, where
            if "requestBody" in operation:
                assert {"400", "413", "422"} <= statuses, where
            if any(_resolved(spec, p)["in"] == "query" for p in operation.get("parameters", [])):
                assert "422" in statuses, where


def _resolved(spec: dict, item: dict) -> dict:
    """A parameter or response as written, or the component its $ref names."""
    if "$ref" not in item:
        return item
    _, _, kind, name = item["$ref"].split("/")
    return spec["components"][kind][name]


def test_shared_parameters_and_responses_are_components(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    person = spec["paths"]["/api/v1/councils/{council_id}/users/{user_id}/reactivate"]["post"]
    assert [_resolved(spec, p)["name"] for p in person["parameters"]] == ["council_id", "user_id"]
    assert _resolved(spec, person["parameters"][0]) == {
        "in": "path", "name": "council_id", "required": True, "schema": {"type": "string"}, "example": "derby-city"
    }  # fmt: skip
    assert _resolved(spec, person["responses"]["403"])["description"] == (
        "Not an admin of the council, nor an administrator of the service"
    )


def test_a_docstring_naming_no_component_is_refused(app, monkeypatch):
    from app.api import openapi

    def broken():
        """Broken.
        ---
        get:
          responses:
            403: NotAnAdmin
        """

    monkeypatch.setitem(app.view_functions, "api.openapi", broken)
    with (
        app.app_context(),
        pytest.raises(ValueError, match=r"api.openapi: the 403 response names no component"),
    ):
        openapi.build_spec()


def test_an_unquoted_comma_in_a_docstring_is_named_where_it_is(app, monkeypatch):
    from app.api import openapi

    def broken():
        """Broken.
        ---
        get:
          responses:
            200: {description: The task, now the caller's, content: {application/json: {schema: TaskSchema}}}
        """

    monkeypatch.setitem(app.view_functions, "api.openapi", broken)
    with app.app_context(), pytest.raises(ValueError, match=r"api.openapi: the 200 response .*quote"):
        openapi.build_spec()
