"""Issue 16 in a real browser: a council's audit list (and, as they land, its settings pages),
each page checked with axe-core and photographed (conftest.py), at 1280 px and at 390 px."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import sign_in, visit

ADMIN = "admin.derby-city@example.org"
MANAGER = "manager.derby-city@example.org"


def _fits_390(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} is {width}px wide at 390px"


def test_a_manager_filters_the_audit_list_and_a_bad_date_is_explained(page):
    sign_in(page, MANAGER)
    page.get_by_role("link", name="Audit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit")
    visit(page, "audit-list")
    page.get_by_label("From").fill("1 December")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Not a valid date; use YYYY-MM-DD.")
    page.locator(".govuk-error-summary a").click()
    expect(page.get_by_label("From")).to_be_focused()
    visit(page, "audit-list-error")


def test_the_audit_list_fits_390px(chromium, server):
    context = chromium.new_context(base_url=server, viewport={"width": 390, "height": 844}, is_mobile=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_in(page, ADMIN)
        page.goto("/councils/derby-city/audit?to=2026-13-01")
        visit(page, "390-audit-list")
        _fits_390(page)
    finally:
        context.close()
