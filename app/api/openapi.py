"""The OpenAPI 3 document, generated from the views' docstrings and the marshmallow schemas.

What holds for every operation by construction is added here rather than repeated in each
docstring, so a new route is documented completely for free: 401 on every operation behind the
blueprint's token check, 400 and 413 where a body is read, 422 where a body or a query string is
(app/boundary.py refuses unstorable text in any of them), and 404 where a path has parameters.
Path parameters are taken from the route (``<int:task_id>`` is a required integer) unless the
docstring declares one, e.g. to give an example. An error response may be written as its
description alone, ``403: Not a manager of the council``: it answers the service's error body;
a single word names a shared response instead (RESPONSES, ``403: NotCouncilAdmin``).
"""

from __future__ import annotations

from typing import Any

from apispec import APISpec, yaml_utils
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec_webframeworks.flask import FlaskPlugin
from flask import current_app, jsonify
from werkzeug.routing import IntegerConverter, Rule

from app.api import PUBLIC_ENDPOINTS, api_bp
from app.schemas.common import ErrorSchema

ERROR_CONTENT = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
# status -> (component name, description) of the responses every operation of a kind can give.
COMMON_RESPONSES = {
    400: ("MalformedBody", "Malformed JSON, or a body not sent as the operation's content type"),
    401: ("Unauthenticated", "No bearer token, or one that is invalid, expired or revoked"),
    404: ("NotFound", "No such resource among those the caller may see"),
    413: ("TooLarge", "The body is larger than the service accepts"),
    422: ("Invalid", "Invalid fields or parameters, each listed under fields"),
}
RESPONSE_KEYS = {"description", "content", "headers", "links", "$ref"}
# What several operations share, named once: a docstring lists a parameter or a response by its
# name here (`parameters: [council_id]`, `403: NotCouncilAdmin`) and apispec writes the $ref.
PARAMETERS = {
    "council_id": {"in": "path", "name": "council_id", "required": True, "schema": {"type": "string"},
                   "example": "derby-city"},
    "user_id": {"in": "path", "name": "user_id", "required": True, "schema": {"type": "integer"}},
}  # fmt: skip
RESPONSES = {
    "NotCouncilAdmin": "Not an admin of the council, nor an administrator of the service",
}


def build_spec() -> dict:
    spec = APISpec(
        title="ctflow API",
        version="1",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={
            "description": "The Community Trigger (Anti-Social Behaviour Case Review): cases, tasks, "
            "calendars and the threshold. Errors are {error: {code, message, fields?}}."
        },
        security=[{"bearerAuth": []}],
    )
    spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    # The error body every error response answers (ERROR_CONTENT), registered whether or not a
    # docstring names it.
    spec.components.schema("Error", schema=ErrorSchema)
    for name, description in [*COMMON_RESPONSES.values(), *RESPONSES.items()]:
        spec.components.response(name, {"description": description, "content": ERROR_CONTENT})
    for name, parameter in PARAMETERS.items():
        spec.components.parameter(name, parameter["in"], parameter)
    for endpoint, view in current_app.view_functions.items():
        if endpoint.startswith(f"{api_bp.name}.") and view.__doc__ and "---" in view.__doc__:
            [rule] = current_app.url_map._rules_by_endpoint[endpoint]
            operations = yaml_utils.load_operations_from_docstring(view.__doc__)
            for operation in operations.values():
                _add_path_parameters(operation, rule)
                _expand_error_responses(operation)
                _check_responses(endpoint, operation)
                _add_common_responses(
                    operation, public=endpoint in PUBLIC_ENDPOINTS, has_path_args=bool(rule.arguments)
                )
            spec.path(path=FlaskPlugin.flaskpath2openapi(rule.rule), operations=operations)
    return spec.to_dict()


def _add_path_parameters(operation: dict[str, Any], rule: Rule) -> None:
    parameters = operation.setdefault("parameters", [])
    # A parameter is written out, or named by its component (PARAMETERS).
    written = [PARAMETERS.get(p, {}) if isinstance(p, str) else p for p in parameters]
    declared = {p.get("name") for p in written if p.get("in") == "path"}
    for name, converter in rule._converters.items():
        if name not in declared:
            kind = "integer" if isinstance(converter, IntegerConverter) else "string"
            parameters.append({"in": "path", "name": name, "required": True, "schema": {"type": kind}})
    if not parameters:
        del operation["parameters"]


def _expand_error_responses(operation: dict[str, Any]) -> None:
    # A one-word string names a component (RESPONSES, checked by _check_responses); words are a
    # description.
    for status, response in operation.get("responses", {}).items():
        if int(status) >= 400 and isinstance(response, str) and " " in response.strip():
            operation["responses"][status] = {"description": response, "content": ERROR_CONTENT}


def _check_responses(endpoint: str, operation: dict[str, Any]) -> None:
    # In a YAML flow mapping an unquoted comma ends the value: `{description: a, b, content: ...}`
    # gives a key "b" and a broken document. Say so where the docstring is, not in a validator.
    for status, response in operation.get("responses", {}).items():
        if isinstance(response, str):  # a component's name (RESPONSES)
            if response not in RESPONSES:
                raise ValueError(f"{endpoint}: the {status} response names no component: {response!r}")
            continue
        stray = set(response) - RESPONSE_KEYS
        if stray:
            raise ValueError(
                f"{endpoint}: the {status} response has stray keys {sorted(stray)}; "
                "quote a description that holds a comma"
            )


def _add_common_responses(operation: dict[str, Any], *, public: bool, has_path_args: bool) -> None:
    responses = operation.setdefault("responses", {})
    # Docstrings give statuses as YAML integers; one key type, so a status is never listed twice.
    for status in list(responses):
        responses[str(status)] = responses.pop(status)
    wanted = set()
    if not public:
        wanted.add(401)
    if "requestBody" in operation:
        wanted |= {400, 413, 422}
    # A parameter named by its component (a string) is a path parameter (PARAMETERS).
    if any(isinstance(p, dict) and p.get("in") == "query" for p in operation.get("parameters", [])):
        wanted.add(422)
    if has_path_args:
        wanted.add(404)
    for status in sorted(wanted):
        responses.setdefault(str(status), {"$ref": f"#/components/responses/{COMMON_RESPONSES[status][0]}"})


@api_bp.get("/openapi.json")
def openapi():
    """The API description (this document).
    ---
    get:
      tags: [service]
      security: []
      responses:
        200: {description: OpenAPI 3 document}
    """
    cached = current_app.extensions.get("ctflow.openapi")
    if cached is None:
        cached = current_app.extensions["ctflow.openapi"] = build_spec()
    return jsonify(cached)
