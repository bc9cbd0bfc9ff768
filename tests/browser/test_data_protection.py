"""A data protection officer anonymises a closed case in a real browser (issue 17): the case page's
data protection section, the confirmation step (which asks why, and refuses without a reason),
and the case afterwards, axe-clean at 1280 and 390 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import api, sign_in, token, visit
from tests.browser.test_journeys import OFFICER, POLICE, _check_records_by_api, _task_id
from tests.factories.cases import application

DATA_PROTECTION = "dataprotection.derby-city@example.org"
DAY = "2026-12-14"  # the server's frozen day: the whole case runs on it


def _complete(server: str, case_id: int, form: str, body: dict, who: str, officer: str) -> None:
    task_id = _task_id(server, case_id, form, officer)
    api(server, "POST", f"/api/v1/tasks/{task_id}/complete", body, token(server, who))


def _closed_case(server: str) -> dict:
    """A victim's application, met, reviewed, its outcome appealed and the appeal decided: closed."""
    officer = token(server, OFFICER)
    case = api(server, "POST", "/api/v1/councils/derby-city/cases", application(), officer)
    steps = [
        ("acknowledge", {"sent_on": DAY, "method": "email"}, OFFICER),
        ("screen_eligibility", {"eligible": True}, OFFICER),
    ]
    for form, body, who in steps:
        _complete(server, case["id"], form, body, who, officer)
    _check_records_by_api(server, case["id"], officer)
    steps = [
        ("threshold_decision", {"threshold_met": True, "reasons": "Three complaints."}, OFFICER),
        ("request_information", {"agencies": ["police"]}, OFFICER),
        ("return_information", {"summary": "Two call-outs.", "actions_taken": "Warning."}, POLICE),
        ("contact_victim", {"contacted_on": DAY, "victim_will_attend": False}, OFFICER),
        ("case_review", {
            "held_on": DAY,
            "panel": [{"agency": a, "name": f"{a} member", "role": "member"} for a in ("police", "council", "housing_provider")],
            "chair": {"name": "Dana Chair", "organisation": "Derby CSP", "independent": True},
            "victim_attended": False, "findings": "Agencies acted separately.", "recommendations": [],
        }, "chair.derby-city@example.org"),
        ("notify_outcome", {"notified_on": DAY, "method": "letter"}, OFFICER),
    ]  # fmt: skip
    for form, body, who in steps:
        _complete(server, case["id"], form, body, who, officer)
    api(
        server,
        "POST",
        f"/api/v1/cases/{case['id']}/appeals",
        {"received_on": DAY, "grounds": "Not enough."},
        officer,
    )
    decision = {"decided_on": DAY, "upheld": False, "reasons": "The plan stands."}
    _complete(server, case["id"], "decide_appeal", decision, "appeals.derby-city@example.org", officer)
    case = api(server, "GET", f"/api/v1/cases/{case['id']}", token=officer)
    assert case["status"] == "closed", case["stage"]
    return case


@pytest.mark.parametrize("width", [1280, 390])
def test_data_protection_staff_anonymise_a_closed_case_after_confirming_why(page, server, width):
    case = _closed_case(server)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, DATA_PROTECTION)
    page.goto(f"/cases/{case['id']}")
    expect(page.get_by_role("heading", name="Data protection", level=2)).to_be_visible()
    expect(page.locator("#case-people")).to_contain_text("Alex Victim")
    visit(page, f"data-protection-case-{width}")

    page.get_by_role("button", name="Anonymise this case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Anonymise case {case['reference']}?")
    expect(page.get_by_text("This cannot be undone.")).to_be_visible()
    visit(page, f"data-protection-confirm-{width}")

    # Without a reason nothing happens: the page asks for one.
    page.get_by_role("button", name="Anonymise the case").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why")
    visit(page, f"data-protection-confirm-error-{width}")
    # Cancel goes back to the case as it was.
    page.get_by_role("link", name="Cancel").click()
    expect(page.locator("#case-people")).to_contain_text("Alex Victim")

    page.get_by_role("button", name="Anonymise this case").click()
    page.get_by_label("Why is the case anonymised now?").fill("Erasure request of 14 December 2026 (DP-3)")
    page.get_by_role("button", name="Anonymise the case").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"Case {case['reference']} is anonymised"
    )
    expect(page.locator("#case-anonymised")).to_be_visible()
    expect(page.locator("#case-people")).not_to_contain_text("Alex Victim")
    expect(page.get_by_role("button", name="Anonymise this case")).to_have_count(0)
    visit(page, f"data-protection-anonymised-{width}")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls {overflow}px sideways"
