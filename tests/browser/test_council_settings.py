"""Issue 16 in a real browser: a council's audit list (and, as they land, its settings pages),
each page checked with axe-core and photographed (conftest.py), at 1280 px and at 390 px."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import api, sign_in, token, visit
from tests.factories.cases import application

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


def test_the_audit_list_and_settings_pages_fit_390px(chromium, server):
    context = chromium.new_context(base_url=server, viewport={"width": 390, "height": 844}, is_mobile=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_in(page, ADMIN)
        page.goto("/councils/derby-city/audit?to=2026-13-01")
        visit(page, "390-audit-list")
        _fits_390(page)
        for section in ("", "/threshold", "/letters"):
            page.goto(f"/councils/derby-city/settings{section}")
            visit(page, f"390-settings{section.replace('/', '-')}")
            _fits_390(page)
    finally:
        context.close()


OWNER_EAST_HERTS = "owner.east-herts@example.org"
OFFICER = "officer.derby-city@example.org"


def test_an_admin_adds_a_closure_for_24_december_and_sees_the_due_dates_move(page, server):
    case = api(server, "POST", "/api/v1/councils/derby-city/cases", application(), token(server, OFFICER))
    before = {d["key"]: d["due_on"] for d in case["deadlines"]}
    sign_in(page, ADMIN)
    page.get_by_role("link", name="Settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Settings")
    visit(page, "settings")
    page.get_by_role("link", name="Change closure days").click()
    visit(page, "settings-closures")
    page.get_by_label("Days the offices are closed").fill("2026-12-24")
    page.get_by_label("Why the change").fill("Offices close on Christmas Eve")
    page.get_by_role("button", name="Show the effect on due dates").click()
    effect = page.locator("#closure-effect")
    expect(effect).to_contain_text(case["reference"])
    expect(effect).to_contain_text("Decide whether the threshold is met")
    visit(page, "settings-closures-effect")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("due dates moved")
    expect(page.locator("#closures")).to_be_visible()
    after = {
        d["key"]: d["due_on"]
        for d in api(server, "GET", f"/api/v1/cases/{case['id']}", token=token(server, OFFICER))["deadlines"]
    }
    moved = [k for k in before if after[k] != before[k]]
    assert "threshold_decision" in moved and all(after[k] > before[k] for k in moved)
    page.goto(f"/cases/{case['id']}")
    expect(page.locator("main")).to_contain_text("Due date moved by a change of closure days")
    visit(page, "settings-case-after-closure")


def test_a_process_owner_confirms_an_assumed_appeal_window(page, server):
    sign_in(page, OWNER_EAST_HERTS)
    page.get_by_role("link", name="Settings").click()
    row = page.locator("#confirm-appeal-within_days")
    expect(row).to_contain_text("28 days")
    expect(row.get_by_role("link", name="east-herts-policy.txt, line 553")).to_be_visible()
    row.get_by_role("link", name="east-herts-policy.txt, line 553").click()
    expect(page.locator("#line-553")).to_be_visible()
    visit(page, "settings-source-line")
    page.go_back()
    row = page.locator("#confirm-appeal-within_days")
    row.get_by_label("How it was confirmed").fill("E-mail from the Community Safety Manager, 2 December")
    row.get_by_role("button", name="Confirm appeal.within_days").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Confirmed appeal.within_days"
    )
    expect(page.locator("#confirm-appeal-within_days")).to_have_count(0)
    expect(page.locator("#versions")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Confirmed: appeal.within_days")
    visit(page, "settings-confirmed")


def test_the_letter_preview_re_renders_as_the_admin_types_and_prints_template_code_literally(page):
    sign_in(page, ADMIN)
    page.goto("/councils/derby-city/settings/letters")
    expect(page.get_by_role("button", name="Preview")).to_be_hidden()  # the script previews as one types
    page.get_by_label("Signature (every letter)").fill("{{ 7*7 }} {% if true %}x{% endif %}\n{team}\n{phone}")
    preview = page.locator("#letters-preview")
    expect(preview).to_contain_text("{{ 7*7 }} {% if true %}x{% endif %}")
    expect(preview).to_contain_text("Community Safety & Integration Service")
    expect(preview).to_contain_text("01632 960001")
    expect(preview).not_to_contain_text("49")
    visit(page, "settings-letters-preview")
