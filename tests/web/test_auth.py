"""Signing in and out of the web pages: the same checks and throttling as the API, CSRF, safe redirects."""

from __future__ import annotations

import pytest

from tests.factories.users import PASSWORD, create_user
from tests.factories.web import csrf_token, sign_in, signed_in


@pytest.fixture
def officer(app):
    return create_user(app, email="web.officer@example.org")


def test_a_page_that_needs_sign_in_redirects_with_next(client):
    response = client.get("/?stage=threshold")
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=/?stage%3Dthreshold"


def test_signing_in_goes_to_next_and_the_session_cookie_is_safe(client, officer):
    response = sign_in(client, officer, next_path="/?stage=threshold")
    assert response.status_code == 302
    assert response.headers["Location"] == "/?stage=threshold"
    cookie = response.headers["Set-Cookie"]
    assert "ctflow_session=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/")
    assert page.status_code == 200
    assert "Signed in as" in page.get_data(as_text=True) and officer in page.get_data(as_text=True)


def test_the_session_is_renewed_on_sign_in(client, officer):
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    sign_in(client, officer)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.permanent


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", "evil"],
    ids=["absolute URL", "scheme-relative", "backslash", "javascript", "not a path"],
)
def test_next_never_leaves_the_site(client, officer, target):
    response = sign_in(client, officer, next_path=target)
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("web.officer@example.org", "wrong", "The e-mail address or password is not correct."),
        ("nobody@example.org", PASSWORD, "The e-mail address or password is not correct."),
        ("", PASSWORD, "Enter your email address"),
        ("web.officer@example.org", "", "Enter your password"),
    ],
    ids=["wrong password", "unknown e-mail", "no e-mail", "no password"],
)
def test_a_failed_sign_in_shows_the_error_summary(client, officer, email, password, message):
    response = sign_in(client, email, password)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in html and html.count(message) == 2  # summary and field
    assert "<title>Error: Sign in" in html
    assert client.get("/").status_code == 302


def test_sign_in_is_throttled_like_the_api(app, client, officer):
    for _ in range(app.config["LOGIN_FREE_FAILURES"]):
        sign_in(client, officer, "wrong")
    response = sign_in(client, officer, PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.get_data(as_text=True)
    # The API shares the count.
    api = client.post("/api/v1/auth/token", json={"email": officer, "password": PASSWORD})
    assert api.status_code == 429


def test_a_post_without_the_csrf_token_is_refused_with_a_govuk_page(client, officer):
    response = client.post("/sign-in", data={"email": officer, "password": PASSWORD})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "govuk-template" in html and "Sorry, there is a problem with the service" in html
    assert client.get("/").status_code == 302


def test_signing_out_ends_the_session_and_needs_the_token(app, officer):
    browser = signed_in(app, officer)
    assert browser.post("/sign-out").status_code == 400
    token = csrf_token(browser, "/")
    response = browser.post("/sign-out", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
    assert browser.get("/").status_code == 302


def test_signing_out_of_the_api_everywhere_ends_web_sessions(app, client, officer):
    browser = signed_in(app, officer)
    token = client.post("/api/v1/auth/token", json={"email": officer, "password": PASSWORD}).get_json()
    client.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {token['token']}"})
    assert browser.get("/").status_code == 302


def test_the_api_needs_no_csrf_token(client, officer):
    response = client.post("/api/v1/auth/token", json={"email": officer, "password": PASSWORD})
    assert response.status_code == 200


def test_the_production_cookie_is_secure():
    from app.config import ProductionConfig

    assert ProductionConfig.SESSION_COOKIE_SECURE is True
