"""The process owner's journey in a real browser: open the studio on the council's live
diagram, shorten the acknowledgement from 5 to 3 working days in the properties panel (the
preview date follows), save a draft (the page then shows the draft), open the version picked,
test-run it with a date and answers changed in the page's forms, compare it (step names, not
ids), put it live, and a new case gets the 3-day limit. Kensington and Chelsea's owner does it,
so the other journeys' Derby City cases keep their diagram.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import api, sign_in, token, visit
from tests.factories.cases import application

OWNER = "owner.kensington-and-chelsea@example.org"
COUNCIL = "kensington-and-chelsea"
COUNCIL_NAME = "Royal Borough of Kensington and Chelsea"
KEY = "community_trigger_kensington_and_chelsea"
TITLE = "Community Trigger: Kensington and Chelsea"


def test_a_process_owner_shortens_the_acknowledgement_and_puts_it_live(page, server):
    console_errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    sign_in(page, OWNER)

    page.get_by_role("link", name="Processes").click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(KEY)  # named by its title, never its key
    visit(page, "studio-processes")
    page.get_by_role("link", name=f"Edit version 1 for {COUNCIL_NAME}").click()
    page.locator("body[data-studio-ready]").wait_for()
    expect(page.get_by_role("heading", name=f"{TITLE}, version 1")).to_be_visible()

    page.locator('#studio-canvas .djs-element[data-element-id="acknowledge"]').click()
    due = page.locator("#bio-properties-panel-ctflow-dueOn")
    expect(due).to_have_value("add_working_days(received_on, 5)")
    preview = page.locator("#studio-due-preview")
    # The clock is frozen on Monday 14 December 2026 (conftest.NOW).
    expect(preview).to_contain_text("due Monday 21 December 2026")
    due.fill("add_working_days(received_on, 3)")
    expect(preview).to_contain_text("due Thursday 17 December 2026")
    visit(page, "studio-editor")

    # After a save the page is the new draft's.
    page.get_by_role("button", name="Save as a draft version").click()
    expect(page.get_by_role("heading", name=f"{TITLE}, version 2")).to_be_visible()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Saved as version 2, a draft")
    expect(page.locator("#studio-standing")).to_contain_text("Version 2 is a draft")
    page.locator("body[data-studio-ready]").wait_for()
    page.locator('#studio-canvas .djs-element[data-element-id="acknowledge"]').click()
    expect(page.locator("#bio-properties-panel-ctflow-dueOn")).to_have_value(
        "add_working_days(received_on, 3)"
    )
    visit(page, "studio-editor-draft")

    # "Edit" opens the version picked.
    page.get_by_label("Version to edit").select_option("1")
    page.get_by_role("button", name="Edit this version").click()
    expect(page.get_by_role("heading", name=f"{TITLE}, version 1")).to_be_visible()
    expect(page.locator("#studio-standing")).to_contain_text("Version 1 is live")
    page.locator("body[data-studio-ready]").wait_for()
    page.locator('#studio-canvas .djs-element[data-element-id="acknowledge"]').click()
    expect(page.locator("#bio-properties-panel-ctflow-dueOn")).to_have_value(
        "add_working_days(received_on, 5)"
    )
    page.get_by_label("Version to edit").select_option("2")
    page.get_by_role("button", name="Edit this version").click()
    expect(page.get_by_role("heading", name=f"{TITLE}, version 2")).to_be_visible()

    # A test-run with the received date in a GOV.UK date input.
    page.get_by_role("link", name="Test-run version 2").click()
    expect(page.get_by_role("heading", name="Test-run version 2")).to_be_visible()
    page.get_by_label("Threshold met", exact=True).check()
    page.get_by_role("group", name="Date the application is received").get_by_label("Day").fill("21")
    page.get_by_role("group", name="Date the application is received").get_by_label("Month").fill("12")
    page.get_by_role("group", name="Date the application is received").get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Run the test").click()
    expect(page.locator("#test-run-outcome")).to_contain_text("Reached the end")
    acknowledge = page.locator('#test-run-deadlines tr[data-deadline="acknowledge"]')
    expect(acknowledge).to_contain_text("Thursday 24 December 2026")  # 3 working days after Monday 21st
    expect(acknowledge).to_contain_text("Met")
    expect(page.locator("#test-run-letters")).to_contain_text("Acknowledgement to the applicant (CT1)")
    expect(page.locator("#test-run-steps")).to_contain_text("Acknowledge the application")
    expect(page.locator("#test-run-steps code")).to_have_count(0)  # step names, never element ids
    visit(page, "studio-test-run")

    # The same run with an answer changed in the screening step's form: the case is not eligible.
    page.locator("#answer-set-screen_eligibility summary").click()
    screening = page.locator("#answer-set-screen_eligibility")
    screening.get_by_role("group", name="Is the application eligible").get_by_role(
        "radio", name="No", exact=True
    ).check()
    screening.get_by_label("The application is anonymous", exact=False).check()
    page.get_by_role("button", name="Run the test").click()
    expect(page.locator("#test-run-letters")).to_contain_text("Not eligible, with signposting")
    expect(page.locator("#test-run-letters")).not_to_contain_text("Threshold met (CT4)")
    expect(page.locator("#answer-set-screen_eligibility")).to_have_attribute("open", "")
    visit(page, "studio-test-run-answers")

    page.goto(f"/studio/{KEY}/diff?from=1&to=2")
    expect(page.locator("#diff-changed")).to_contain_text("Acknowledge the application")
    expect(page.locator("#diff-changed")).to_contain_text("3 working days after received on")
    expect(page.locator("#diff-changed code")).to_have_count(0)
    page.locator("#diff-after.app-diff-diagram--ready").wait_for()
    changed = page.locator('#diff-after .djs-element[data-element-id="acknowledge"]')
    expect(changed).to_have_class(re.compile(r"\bapp-diff--changed\b"))
    visit(page, "studio-diff")

    page.get_by_role("link", name="Processes").click()
    page.get_by_role("button", name=f"Put live for {COUNCIL_NAME} (version 2)").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"Version 2 is live for {COUNCIL_NAME}"
    )
    visit(page, "studio-activated")

    officer = token(server, f"officer.{COUNCIL}@example.org")
    case = api(server, "POST", f"/api/v1/councils/{COUNCIL}/cases", application(), officer)
    assert case["process"] == {"key": KEY, "version": 2}
    [acknowledge] = [d for d in case["deadlines"] if d["key"] == "acknowledge"]
    assert acknowledge["due_on"] == "2026-12-17"  # 3 working days after Monday 14 December
    assert console_errors == []


def fits_width(page) -> None:
    """Nothing wider than the screen: the page never scrolls sideways."""
    overflow = page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth
          return [...document.querySelectorAll('main *')]
            .filter((e) => e.getBoundingClientRect().right > width + 1 && !e.closest('.app-diff-diagram'))
            .slice(0, 5).map((e) => e.tagName + '.' + e.className + ': ' + (e.textContent || '').trim().slice(0, 40))
        }"""
    )
    assert overflow == [], overflow
    assert page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_the_studios_lists_fit_a_phone(chromium, server):
    """At 390 px wide the processes page, a test-run's result and the comparison reflow: no
    sideways scrolling (issue 12, "Everywhere"); each page is also checked with axe."""
    context = chromium.new_context(base_url=server, viewport={"width": 390, "height": 844})
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_in(page, f"owner.{COUNCIL}@example.org")
        page.goto("/studio")
        fits_width(page)
        visit(page, "studio-processes-390")
        page.goto(f"/studio/{KEY}/versions/1/test-run?run=1&scenario=met")
        expect(page.locator("#test-run-outcome")).to_contain_text("Reached the end")
        fits_width(page)
        visit(page, "studio-test-run-390")
        page.goto(f"/studio/{KEY}/diff?from=1&to=1")
        fits_width(page)
        visit(page, "studio-diff-390")
    finally:
        context.close()


def test_a_report_tasks_agency_is_shown_and_changed_in_the_properties_panel(page, server):
    """Issue 15: the action plan's report task names its agency by an expression; the panel shows
    it and a process owner changes it like any other property (East Herts, whose diagram no other
    browser journey edits)."""
    key, name = "community_trigger_east_herts", "East Herts Council"
    sign_in(page, "owner.east-herts@example.org")
    page.goto("/studio")
    page.get_by_role("link", name=f"Edit version 1 for {name}").click()
    page.locator("body[data-studio-ready]").wait_for()
    page.evaluate("() => window.ctflowStudio.select('report_action')")
    agency = page.locator("#bio-properties-panel-ctflow-agency")
    expect(agency).to_have_value('action["owner_agency"]')
    expect(page.get_by_label("Agency", exact=True)).to_be_visible()
    # Its role is the lane of the sub-process it is in.
    expect(page.locator("#bio-properties-panel-ctflow-role")).to_have_value("Partner agency")
    page.locator('#studio-due-preview:not([data-state="pending"])').wait_for()  # greyed while it works
    visit(page, "studio-report-action-agency")
    agency.fill('action["owner_agency"] or "council"')
    page.get_by_role("button", name="Save as a draft version").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Saved as version 2, a draft")
    owner = token(server, "owner.east-herts@example.org")
    diff = api(server, "GET", f"/api/v1/processes/{key}/diff?from=1&to=2", token=owner)
    [changed] = [c for c in diff["changed"] if c["element"] == "report_action"]
    assert changed["changes"] == {
        "agency": {"from": 'action["owner_agency"]', "to": 'action["owner_agency"] or "council"'}
    }
