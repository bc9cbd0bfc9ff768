"""Journeys in a real browser (Derby City runs the Derbyshire diagram, hence its task names): an officer works a case, a validation error, a partner returns information (residents: test_residents.py).

Each page visited is checked with axe-core and photographed (see conftest.py).
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import api, sign_in, token, visit
from tests.factories.cases import application

OFFICER = "officer.derby-city@example.org"
POLICE = "police.derby-city@example.org"
# Who checks each relevant body's records (the demo users); the council's own check is its officers'.
CHECKED_BY = {"council": OFFICER, "police": POLICE, "housing_provider": "housing.derby-city@example.org"}


def _open_case(server: str) -> tuple[dict, str]:
    officer = token(server, OFFICER)
    return api(server, "POST", "/api/v1/councils/derby-city/cases", application(), officer), officer


def _task_id(server: str, case_id: int, form: str, officer: str) -> int:
    case = api(server, "GET", f"/api/v1/cases/{case_id}", token=officer)
    [task] = [t for t in case["open_tasks"] if t["form"] == form]
    return task["id"]


def _complete_by_api(server: str, case_id: int, form: str, body: dict, officer: str) -> None:
    task_id = _task_id(server, case_id, form, officer)
    api(server, "POST", f"/api/v1/tasks/{task_id}/complete", body, officer)


def _check_records_by_api(server: str, case_id: int, officer: str, skip: tuple[str, ...] = ()) -> None:
    """Every relevant body's records check completed by the body, each report confirmed."""
    case = api(server, "GET", f"/api/v1/cases/{case_id}", token=officer)
    for task in [t for t in case["open_tasks"] if t["form"] == "confirm_reports" and t["agency"] not in skip]:
        body_token = token(server, CHECKED_BY[task["agency"]])
        detail = api(server, "GET", f"/api/v1/tasks/{task['id']}", token=body_token)
        reports = [{"report": r["report"], "confirmed": True} for r in detail["context"]["reports"]]
        api(server, "POST", f"/api/v1/tasks/{task['id']}/complete", {"reports": reports}, body_token)


def _claim(page, reference: str, task_name: str) -> None:
    page.goto("/")
    page.get_by_role("button", name=f"Claim {task_name} on case {reference}").click()
    expect(page.get_by_role("button", name=f"Unclaim {task_name} on case {reference}")).to_be_visible()


def _open_claimed(page, reference: str, task_name: str, shot: str) -> None:
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=reference, exact=True))
    row.get_by_role("link", name=task_name).first.click()
    page.wait_for_url(re.compile(r"/tasks/\d+$"))
    expect(page.get_by_role("button", name="Complete task")).to_be_visible()
    visit(page, shot)


def _diagram_marker(page, case_id: int, element_id: str) -> str:
    page.goto(f"/cases/{case_id}")
    page.locator("#case-diagram.app-case-diagram--ready").wait_for()
    classes = page.locator(f'.djs-element[data-element-id="{element_id}"]').get_attribute("class") or ""
    if "app-step--completed" in classes:
        return "completed"
    if "app-step--current" in classes:
        return "current"
    return "none"


def test_an_officer_claims_and_completes_the_first_tasks_and_the_diagram_follows(page, server):
    case, _ = _open_case(server)
    reference = case["reference"]
    sign_in(page, OFFICER)
    visit(page, "inbox")

    assert _diagram_marker(page, case["id"], "acknowledge") == "current"
    assert _diagram_marker(page, case["id"], "threshold_decision") == "none"
    visit(page, "case-new")

    _claim(page, reference, "Acknowledge the completed application")
    visit(page, "inbox-claimed")
    _open_claimed(page, reference, "Acknowledge the completed application", "task-acknowledge")
    page.fill('input[name="sent_on-day"]', "14")
    page.fill('input[name="sent_on-month"]', "12")
    page.fill('input[name="sent_on-year"]', "2026")
    page.check('input[name="method"][value="email"]')
    page.get_by_role("button", name="Complete task").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("You completed")
    visit(page, "inbox-completed")

    assert _diagram_marker(page, case["id"], "acknowledge") == "completed"
    assert _diagram_marker(page, case["id"], "check_records") == "current"
    _check_records_by_api(server, case["id"], token(server, OFFICER))

    _claim(page, reference, "Screen the application for eligibility")
    _open_claimed(page, reference, "Screen the application for eligibility", "task-screen-eligibility")
    page.check('input[name="eligible"][value="true"]')
    page.get_by_role("button", name="Complete task").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("You completed")

    assert _diagram_marker(page, case["id"], "threshold_decision") == "current"
    _claim(page, reference, "Decide whether the threshold is met")
    _open_claimed(page, reference, "Decide whether the threshold is met", "task-threshold")
    page.check('input[name="threshold_met"][value="true"]')
    page.fill('textarea[name="reasons"]', "Three complaints in six months, each reported in time.")
    page.get_by_role("button", name="Complete task").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("You completed")

    assert _diagram_marker(page, case["id"], "threshold_decision") == "completed"
    assert _diagram_marker(page, case["id"], "acknowledge") == "completed"
    assert _diagram_marker(page, case["id"], "request_information") == "current"
    visit(page, "case-after-threshold")


def test_an_impossible_date_is_shown_in_the_error_summary(page, server):
    case, officer = _open_case(server)
    task_id = _task_id(server, case["id"], "acknowledge", officer)
    sign_in(page, OFFICER)
    page.goto(f"/tasks/{task_id}")
    page.fill('input[name="sent_on-day"]', "31")
    page.fill('input[name="sent_on-month"]', "2")
    page.fill('input[name="sent_on-year"]', "2026")
    page.check('input[name="method"][value="email"]')
    page.get_by_role("button", name="Complete task").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_count(1)
    expect(summary.get_by_role("link")).to_have_attribute("href", re.compile(r"^#sent_on"))
    expect(page.locator(".govuk-error-message").first).to_be_visible()
    expect(page.locator('input[name="sent_on-day"]')).to_have_value("31")
    visit(page, "task-acknowledge-error")


def test_a_partner_returns_information_on_its_task(page, server):
    case, officer = _open_case(server)
    _complete_by_api(server, case["id"], "acknowledge", {"sent_on": "2026-12-14", "method": "email"}, officer)
    _complete_by_api(server, case["id"], "screen_eligibility", {"eligible": True}, officer)
    _check_records_by_api(server, case["id"], officer)
    _complete_by_api(
        server, case["id"], "threshold_decision", {"threshold_met": True, "reasons": "Met."}, officer
    )
    _complete_by_api(server, case["id"], "request_information", {"agencies": ["police"]}, officer)
    reference = case["reference"]

    sign_in(page, POLICE)
    visit(page, "partner-inbox")
    _claim(page, reference, "Return the agency's information")
    _open_claimed(page, reference, "Return the agency's information", "partner-task")
    page.fill('textarea[name="summary"]', "Two calls logged, one attended.")
    page.fill('textarea[name="actions_taken"]', "Warning letter sent to the neighbour.")
    page.get_by_role("button", name="Complete task").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("You completed")

    page.goto(f"/cases/{case['id']}")
    # A partner gets the progress view, not the internal diagram (tests/browser/test_case_file.py).
    expect(page.locator("#case-progress")).to_be_visible()
    expect(page.get_by_role("heading", name="Your agency's tasks")).to_be_visible()
    visit(page, "partner-case")


def test_a_partner_checks_its_records_and_the_officer_sees_its_answers(page, server):
    case, officer = _open_case(server)
    _complete_by_api(server, case["id"], "acknowledge", {"sent_on": "2026-12-14", "method": "email"}, officer)
    _complete_by_api(server, case["id"], "screen_eligibility", {"eligible": True}, officer)
    _check_records_by_api(server, case["id"], officer, skip=("police",))
    reference = case["reference"]

    sign_in(page, POLICE)
    _claim(page, reference, "Check the agency's records of the reported complaints")
    _open_claimed(
        page, reference, "Check the agency's records of the reported complaints", "partner-records-check"
    )
    main = page.locator("main")
    # What the police need to search their records, and only the report made to them.
    expect(main).to_contain_text("Alex Victim")
    expect(main).to_contain_text("Incident of 1 September 2026, reported on 2 September 2026 by phone")
    expect(main).not_to_contain_text("Threats")
    expect(main).not_to_contain_text("Incident of 10 October 2026, reported on")
    page.check('input[name="reports.0.confirmed"][value="false"]')
    page.fill('textarea[name="reports.0.not_confirmed"]', "No call from that address on that date.")
    page.get_by_role("button", name="Complete task").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("You completed")

    page.context.clear_cookies()
    sign_in(page, OFFICER)
    page.goto(f"/tasks/{_task_id(server, case['id'], 'threshold_decision', officer)}")
    expect(page.get_by_role("heading", name="The relevant bodies' records checks")).to_be_visible()
    expect(page.locator("main")).to_contain_text("No call from that address on that date.")
    visit(page, "task-threshold-records-checks")
