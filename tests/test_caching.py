"""Issue 13: responses carrying personal data are Cache-Control: no-store; static assets stay cacheable."""

from __future__ import annotations

import pytest

from tests.factories.users import auth_headers, create_user
from tests.factories.web import signed_in


@pytest.mark.parametrize(
    "path", ["/api/v1/me", "/api/v1/councils", "/api/v1/cases", "/api/v1/tasks"], ids=lambda p: p
)
def test_api_responses_are_not_stored(app, client, path):
    response = client.get(path, headers=auth_headers(app, client))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_api_errors_and_new_tokens_are_not_stored(app, client):
    email = create_user(app)
    assert client.get("/api/v1/me").headers["Cache-Control"] == "no-store"
    token = client.post("/api/v1/auth/token", json={"email": email, "password": "correct horse battery"})
    assert token.status_code == 200 and token.headers["Cache-Control"] == "no-store"


def test_staff_pages_are_not_stored(app, client):
    browser = signed_in(app, create_user(app))
    assert browser.get("/").headers["Cache-Control"] == "no-store"
    assert client.get("/sign-in").headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("signed_in_first", [False, True], ids=["anonymous", "signed-in"])
def test_static_assets_stay_cacheable(app, client, signed_in_first):
    browser = signed_in(app, create_user(app)) if signed_in_first else client
    response = browser.get("/static/ctflow.js")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()
