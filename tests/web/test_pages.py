"""Security headers and the GOV.UK error pages."""

from __future__ import annotations

from tests.factories.users import create_user
from tests.factories.web import signed_in


def test_web_responses_carry_the_security_headers(client):
    response = client.get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp
    nonce = csp.split("'nonce-", 1)[1].split("'", 1)[0]
    assert f'nonce="{nonce}"' in response.get_data(as_text=True)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_signed_in_pages_are_not_cached(app):
    browser = signed_in(app, create_user(app))
    assert browser.get("/").headers["Cache-Control"] == "no-store"


def test_an_unknown_page_is_a_govuk_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Page not found" in html and "govuk-template" in html
    assert response.headers["Content-Security-Policy"]


def test_the_api_keeps_its_json_envelope(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    assert "Content-Security-Policy" not in response.headers


def test_an_unexpected_error_is_a_govuk_500(app, client, monkeypatch):
    from app.services import councils

    def broken(user):
        raise RuntimeError("boom")

    browser = signed_in(app, create_user(app))
    monkeypatch.setattr(councils, "councils_visible_to", broken)
    response = browser.get("/")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.get_data(as_text=True)


def test_the_assets_are_served_with_their_version_and_licence(client):
    assert client.get("/static/govuk-frontend/govuk-frontend.min.css").status_code == 200
    assert client.get("/static/govuk-frontend/VERSION").get_data(as_text=True).strip() == "6.3.0"
    assert "MIT" in client.get("/static/govuk-frontend/LICENSE.txt").get_data(as_text=True)


def test_an_undefined_name_in_our_templates_fails_but_govuk_macros_stay_lenient(app):
    import pytest
    from flask import render_template_string
    from jinja2 import UndefinedError

    with app.test_request_context("/"):
        with pytest.raises(UndefinedError):
            render_template_string("{{ no_such_name }}")
        html = render_template_string(
            '{% from "govuk_frontend_jinja/components/tag/macro.html" import govukTag %}'
            '{{ govukTag({"text": "Overdue"}) }}'
        )
        assert "govuk-tag" in html
