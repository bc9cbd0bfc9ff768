"""The managers' dashboard in a real browser (issue 15): a Derby City manager opens it from the
navigation, reads its charts and tables, follows a figure to the cases behind it, and the page
fits 1280 px and 390 px; axe-core checks each page and each is photographed (conftest.py)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import api, sign_in, token, visit
from tests.factories.cases import application

MANAGER = "manager.derby-city@example.org"
OFFICER = "officer.derby-city@example.org"


def _open_case(server: str, name: str) -> dict:
    body = application(victims=[{"name": name, "address": "2 Mill Lane, Derby DE1 2AB", "vulnerable": False}])
    return api(server, "POST", "/api/v1/councils/derby-city/cases", body, token(server, OFFICER))


def test_a_manager_reads_the_dashboard_and_opens_the_cases_behind_a_figure(page, server):
    case = _open_case(server, "Morgan Dashboard")
    sign_in(page, MANAGER)
    page.get_by_role("link", name="Dashboard").click()
    page.wait_for_url("**/dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text("Managers' dashboard")
    for title in ("Deadlines met and missed, by deadline", "Open cases by stage", "Overdue tasks by role",
                  "Median working days from receipt to each milestone", "Actions open, overdue and done"):  # fmt: skip
        expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
        expect(page.get_by_role("img", name=title, exact=True)).to_be_visible()  # the chart's <title>
    visit(page, "dashboard-1280")
    section = page.locator("section", has=page.get_by_role("heading", name="Open cases by stage"))
    section.get_by_role("link", name=re.compile(r"Acknowledging the application")).click()
    page.wait_for_url(re.compile(r"/cases\?"))
    expect(page.get_by_role("link", name=case["reference"], exact=True)).to_be_visible()
    visit(page, "dashboard-cases-behind-a-figure")


def test_the_dashboard_fits_390px_and_says_what_is_wrong_with_a_period(chromium, server):
    _open_case(server, "Robin Narrow")
    context = chromium.new_context(base_url=server, viewport={"width": 390, "height": 844}, is_mobile=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_in(page, MANAGER)
        page.goto("/dashboard")
        visit(page, "390-dashboard")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"the dashboard is {width}px wide at 390px"
        page.get_by_label("Council or county").select_option(label="Derbyshire (every council)")
        page.get_by_role("button", name="Show figures").click()
        expect(page.get_by_role("heading", name="Each council")).to_be_visible()
        visit(page, "390-dashboard-county")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"the county's dashboard is {width}px wide at 390px"
        page.goto("/dashboard?from=2026-12-01&to=2026-11-01")
        expect(page.locator(".govuk-error-summary")).to_contain_text(
            "The end of the period must be the same as or after its start."
        )
        visit(page, "390-dashboard-error")
    finally:
        context.close()
