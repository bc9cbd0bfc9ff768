"""The OpenAPI 3 document, generated from the views' docstrings and the marshmallow schemas."""

from __future__ import annotations

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec_webframeworks.flask import FlaskPlugin
from flask import current_app, jsonify

from app.api import api_bp


def build_spec() -> dict:
    spec = APISpec(
        title="ctflow API",
        version="1",
        openapi_version="3.0.3",
        plugins=[FlaskPlugin(), MarshmallowPlugin()],
        info={
            "description": "The Community Trigger (Anti-Social Behaviour Case Review): cases, tasks, "
            "calendars and the threshold. Errors are {error: {code, message, fields?}}."
        },
        security=[{"bearerAuth": []}],
    )
    spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    for endpoint, view in current_app.view_functions.items():
        if endpoint.startswith(f"{api_bp.name}.") and view.__doc__ and "---" in view.__doc__:
            spec.path(view=view, app=current_app)
    return spec.to_dict()


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
