"""A case's access log page in Chromium (issue 17): a manager follows the case page's link and
sees who viewed the case, partners included; axe-clean at a desktop width and a phone's."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import api, sign_in, token, visit
from tests.factories.cases import application

MANAGER = "manager.derby-city@example.org"
OFFICER = "officer.derby-city@example.org"


@pytest.fixture(params=[1280, 390], ids=["desktop", "phone"])
def width(request, page) -> int:
    page.set_viewport_size({"width": request.param, "height": 900})
    return request.param


def test_a_manager_reads_who_viewed_a_case(server, page, width):
    officer = token(server, OFFICER)
    case = api(
        server, "POST", "/api/v1/councils/derby-city/cases", application(received_on="2026-12-10"), officer
    )
    api(server, "GET", f"/api/v1/cases/{case['id']}", token=officer)

    sign_in(page, MANAGER)
    page.goto(f"/cases/{case['id']}")
    page.get_by_role("link", name="Who viewed this case").click()
    expect(page.get_by_role("heading", name=f"Who viewed case {case['reference']}")).to_be_visible()
    rows = page.locator("#access-log tbody tr")
    expect(rows.filter(has_text=OFFICER).first).to_be_visible()
    expect(rows.filter(has_text="GET /api/v1/cases/<int:case_id>").first).to_be_visible()
    expect(rows.filter(has_text=MANAGER).first).to_be_visible()  # the case page just seen
    visit(page, f"access-log-{width}")
