"""A browser-like session on the web pages: CSRF tokens read from the forms, as a browser sends them."""

from __future__ import annotations

import re

from tests.factories.users import PASSWORD

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(browser, path: str = "/sign-in") -> str:
    page = browser.get(path)
    match = _TOKEN.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {path} ({page.status_code})"
    return match.group(1)


def sign_in(browser, email: str, password: str = PASSWORD, next_path: str | None = None):
    token = csrf_token(browser)
    query = {"next": next_path} if next_path else {}
    return browser.post(
        "/sign-in", query_string=query, data={"email": email, "password": password, "csrf_token": token}
    )


def signed_in(app, email: str, password: str = PASSWORD):
    browser = app.test_client()
    response = sign_in(browser, email, password)
    assert response.status_code == 302, response.get_data(as_text=True)
    return browser
