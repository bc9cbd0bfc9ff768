"""Signing out ends the session on the server, and a throttled sign-in says how long to wait.

The server's clock is frozen (conftest.NOW), so throttle windows never end during the run: the
failures here are for an e-mail no other test uses, and stay far under the per-address limit.
"""

from __future__ import annotations

from tests.browser.conftest import sign_in, visit

OFFICER = "manager.derby-city@example.org"


def test_a_copied_cookie_stops_working_once_the_browser_signs_out(page, chromium, server):
    sign_in(page, OFFICER)
    copied = page.context.cookies()
    assert [cookie["name"] for cookie in copied] == ["ctflow_session"]
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-in")

    thief = chromium.new_context(base_url=server)
    try:
        thief.add_cookies(copied)
        stolen = thief.new_page()
        stolen.goto("/overview")  # "/" would show a visitor the public start page
        assert stolen.url.startswith(f"{server}/sign-in")
        assert stolen.get_by_role("heading", name="Sign in").is_visible()
    finally:
        thief.close()


def test_a_throttled_sign_in_says_how_long_to_wait(page):
    page.goto("/sign-in")
    for _ in range(6):
        page.get_by_label("Email address").fill("nobody.throttled@example.org")
        page.get_by_role("textbox", name="Password").fill("a wrong guess")
        page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    assert "Too many failed sign-ins. Try again in 15 minutes." in summary.inner_text()
    visit(page, "sign-in-throttled")
