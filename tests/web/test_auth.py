"""Signing in and out of the web pages: the same checks and throttling as the API, CSRF, safe redirects."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories.users import PASSWORD, create_user
from tests.factories.web import csrf_token, sign_in, signed_in


@pytest.fixture
def officer(app):
    return create_user(app, email="web.officer@example.org")


def _signed_out(browser) -> bool:
    """ "/" shows a visitor the public start page, and a signed-in user their inbox."""
    html = browser.get("/").get_data(as_text=True)
    return "Signed in as" not in html and "Sign in to manage cases" in html


def test_a_page_that_needs_sign_in_redirects_with_next(client):
    response = client.get("/overview?year=2026")  # "/" is the public start page to visitors
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=/overview?year%3D2026"


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
    assert _signed_out(client)


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
    assert _signed_out(client)


def test_signing_out_ends_the_session_and_needs_the_token(app, officer):
    browser = signed_in(app, officer)
    assert browser.post("/sign-out").status_code == 400
    token = csrf_token(browser, "/")
    response = browser.post("/sign-out", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
    assert _signed_out(browser)


def test_a_copy_of_the_cookie_stops_working_when_the_browser_signs_out(app, officer):
    """Issue 13: signing out only cleared the browser's cookie; a copy still signed in."""
    browser = signed_in(app, officer)
    copied = browser.get_cookie("ctflow_session").value
    thief = app.test_client()
    thief.set_cookie("ctflow_session", copied)
    assert not _signed_out(thief)
    browser.post("/sign-out", data={"csrf_token": csrf_token(browser, "/")})
    assert _signed_out(thief)
    response = thief.get("/overview")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_signing_out_of_one_browser_leaves_the_others_and_the_tokens(app, client, officer):
    first, second = signed_in(app, officer), signed_in(app, officer)
    token = client.post("/api/v1/auth/token", json={"email": officer, "password": PASSWORD}).get_json()
    first.post("/sign-out", data={"csrf_token": csrf_token(first, "/")})
    assert _signed_out(first)
    assert not _signed_out(second)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token['token']}"}).status_code == 200


def test_a_session_ends_after_its_idle_time(app, officer, clock):
    idle = timedelta(seconds=app.config["SESSION_IDLE_SECONDS"])
    browser = signed_in(app, officer)
    for _ in range(3):  # each visit inside the idle time keeps the session
        clock.freeze(clock.now() + idle - timedelta(minutes=2))
        assert not _signed_out(browser)
    clock.freeze(clock.now() + idle)
    assert _signed_out(browser)
    # Ended for good, even if the clock went back.
    clock.freeze(clock.now() - idle)
    assert _signed_out(browser)


def test_a_session_ends_after_its_absolute_lifetime_however_active(app, officer, clock):
    browser = signed_in(app, officer)
    ends_at = clock.now() + timedelta(seconds=app.config["PERMANENT_SESSION_LIFETIME"])
    while clock.now() + timedelta(minutes=20) < ends_at:
        clock.freeze(clock.now() + timedelta(minutes=20))
        assert not _signed_out(browser)
    clock.freeze(ends_at)
    assert _signed_out(browser)
    # Signing in again starts a new session.
    sign_in(browser, officer)
    assert not _signed_out(browser)


def test_the_cookie_carries_no_user_id(app, officer):
    """The cookie names a session held on the server, not the user (it is signed, not encrypted)."""
    browser = signed_in(app, officer)
    with browser.session_transaction() as session:
        assert "sid" in session and not {"user_id", "generation"} & set(session)


def test_signing_out_of_the_api_everywhere_ends_web_sessions(app, client, officer):
    browser = signed_in(app, officer)
    token = client.post("/api/v1/auth/token", json={"email": officer, "password": PASSWORD}).get_json()
    client.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {token['token']}"})
    assert _signed_out(browser)


def test_the_api_needs_no_csrf_token(client, officer):
    response = client.post("/api/v1/auth/token", json={"email": officer, "password": PASSWORD})
    assert response.status_code == 200


def test_the_production_cookie_is_secure():
    from app.config import ProductionConfig

    assert ProductionConfig.SESSION_COOKIE_SECURE is True
