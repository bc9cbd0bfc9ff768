"""Schemathesis against the published OpenAPI document (issue 13): every documented operation,
called as an officer, a manager and with no token, never answers 500, answers only documented
statuses, and answers in its documented schema.

Bounded for CI: a few examples per operation, derandomized (the same cases on every run), and
once, on SQLite (what is checked is the HTTP contract, not the database).
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from app import create_app
from tests.conftest import FROZEN_AT
from tests.factories.cases import application
from tests.factories.users import create_user, token_for

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
# More for a deeper local run: CTFLOW_SCHEMATHESIS_EXAMPLES=100 pytest tests/api/test_schemathesis.py
MAX_EXAMPLES = int(os.getenv("CTFLOW_SCHEMATHESIS_EXAMPLES", "8"))


def _document() -> dict:
    # The document depends on the routes and schemas only: built once at collection, no database.
    app = create_app("test", SECRET_KEY="openapi", SQLALCHEMY_DATABASE_URI="sqlite://", NOW=FROZEN_AT)
    with app.app_context():
        from app.api.openapi import build_spec

        return build_spec()


schema = schemathesis.openapi.from_dict(_document())


@pytest.fixture
def callers(app, client, processes) -> dict[str, dict[str, str]]:
    """An officer and a manager of Derby City, where one case with open tasks exists."""
    headers = {}
    for who, role in (("officer", "community_safety_officer"), ("manager", "community_safety_manager")):
        email = create_user(app, role=role, email=f"{who}@example.org")
        headers[who] = {"Authorization": f"Bearer {token_for(client, email)}"}
    response = client.post(
        "/api/v1/councils/derby-city/cases",
        json=application(received_on="2026-11-20"),
        headers=headers["officer"],
    )
    assert response.status_code == 201, response.get_json()
    headers["no token"] = {}
    return headers


@pytest.mark.parametrize("app", ["sqlite"], indirect=True)
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=timedelta(seconds=60),  # per example of three calls: far above a normal answer
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_its_published_contract(app, callers, case):
    for headers in callers.values():
        case.call_and_validate(app=app, headers=headers, checks=CHECKS)
