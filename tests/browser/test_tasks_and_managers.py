"""Issue 12's staff journeys in a real browser: an officer works a case from the inbox to the
review using only what the pages show; a manager finds a case by the victim's postcode and
reassigns a task; the inbox, task, case list and overview pages at 390 px. Each page visited is
checked with axe-core and photographed (conftest.py)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import api, sign_in, token, visit
from tests.factories.cases import application

OFFICER = "officer.derby-city@example.org"
MANAGER = "manager.derby-city@example.org"
CHECKED_BY = {"police": "police.derby-city@example.org", "housing_provider": "housing.derby-city@example.org"}


def _open_case(server: str, victim: dict) -> dict:
    body = application(victims=[victim])
    return api(server, "POST", "/api/v1/councils/derby-city/cases", body, token(server, OFFICER))


def _partners_check_their_records(server: str, case_id: int) -> None:
    """The police's and the housing provider's records checks, by them (their own journey is
    tests/browser/test_journeys.py)."""
    case = api(server, "GET", f"/api/v1/cases/{case_id}", token=token(server, MANAGER))
    for task in [
        t for t in case["open_tasks"] if t["form"] == "confirm_reports" and t["agency"] in CHECKED_BY
    ]:
        body_token = token(server, CHECKED_BY[task["agency"]])
        detail = api(server, "GET", f"/api/v1/tasks/{task['id']}", token=body_token)
        reports = [{"report": r["report"], "confirmed": True} for r in detail["context"]["reports"]]
        api(server, "POST", f"/api/v1/tasks/{task['id']}/complete", {"reports": reports}, body_token)


def _from_inbox(page, reference: str, shot: str) -> str:
    """Open the case's first task listed in the inbox, as an officer would; its name."""
    page.goto("/")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=reference, exact=True)).first
    link = row.locator('a[href^="/tasks/"]').first
    name = link.inner_text()
    link.click()
    page.wait_for_url(re.compile(r"/tasks/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(name)  # the inbox's name for it
    expect(page.locator("main")).to_contain_text(reference)
    visit(page, shot)
    return name


def _complete(page) -> None:
    page.get_by_role("button", name="Complete task").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("You completed")


def test_an_officer_works_a_case_from_the_inbox_to_the_review(page, server):
    case = _open_case(
        server,
        {"name": "Priya Shah", "email": "priya@example.org", "phone": "07700 900456",
         "address": "12 Mill Lane, Derby DE23 6AB", "vulnerable": True},
    )  # fmt: skip
    reference = case["reference"]
    sign_in(page, OFFICER)

    # Acknowledge: the summary says whose case it is and that nobody holds the task yet.
    _from_inbox(page, reference, "officer-acknowledge")
    main = page.locator("main")
    expect(main).to_contain_text("Priya Shah (vulnerable)")
    expect(main).to_contain_text("Received 14 December 2026".replace(" ", " "))
    expect(main).to_contain_text("Nobody has claimed this task. Completing it claims it for you.")
    expect(main.get_by_role("link", name=re.compile(reference))).to_have_attribute(
        "href", f"/cases/{case['id']}"
    )
    page.check('input[name="method"][value="email"]')
    _complete(page)

    # The council's own records check and the screening: whichever the inbox lists first.
    for _ in range(2):
        name = _from_inbox(page, reference, "officer-next-task")
        if "eligib" in name.lower():
            reason = page.locator('input[name="reason"]').first
            expect(reason).to_be_hidden()  # the reasons wait for "No"
            page.check('input[name="eligible"][value="false"]')
            expect(reason).to_be_visible()
            visit(page, "officer-screen-not-eligible-revealed")
            page.check('input[name="eligible"][value="true"]')
            expect(reason).to_be_hidden()
        else:
            for radio in page.locator('input[type="radio"][value="true"]').all():
                radio.check()
        _complete(page)
    _partners_check_their_records(server, case["id"])

    _from_inbox(page, reference, "officer-threshold")
    page.check('input[name="threshold_met"][value="true"]')
    page.fill('textarea[name="reasons"]', "Three complaints in six months, each reported in time.")
    _complete(page)

    _from_inbox(page, reference, "officer-request-information")
    expect(page.get_by_label("The NHS (integrated care board)")).to_be_visible()
    page.get_by_label("The police").check()
    _complete(page)

    # Contacting the victim: the page shows how to reach her.
    _from_inbox(page, reference, "officer-contact-victim")
    contact = page.locator("main")
    expect(contact).to_contain_text("How to reach them")
    expect(contact.get_by_role("link", name="07700 900456")).to_have_attribute("href", "tel:07700900456")
    expect(contact.get_by_role("link", name="priya@example.org")).to_be_visible()
    expect(contact).to_contain_text("12 Mill Lane, Derby DE23 6AB")
    page.fill('input[name="contacted_on-day"]', "14")
    page.fill('input[name="contacted_on-month"]', "12")
    page.fill('input[name="contacted_on-year"]', "2026")
    page.check('input[name="victim_will_attend"][value="true"]')
    _complete(page)

    page.goto(f"/cases/{case['id']}")
    expect(page.locator("main")).to_contain_text("Case review")
    # The history says the officer claimed each task by completing it.
    expect(page.locator("main")).to_contain_text("Task claimed")
    visit(page, "officer-case-at-review")


def test_a_manager_finds_a_case_by_the_victims_postcode_and_reassigns_a_task(page, server):
    case = _open_case(
        server, {"name": "Tom Reed", "address": "3 Canal Street, Derby DE1 2RJ", "vulnerable": False}
    )
    officer = token(server, OFFICER)
    task = next(t for t in case["open_tasks"] if t["form"] == "acknowledge")
    api(server, "POST", f"/api/v1/tasks/{task['id']}/claim", token=officer)

    sign_in(page, MANAGER)
    page.get_by_role("link", name="Cases").click()
    page.get_by_label("Search cases").fill("de1 2rj")
    page.get_by_role("button", name="Search").click()
    visit(page, "manager-case-search")
    results = page.locator("table tbody tr")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Tom Reed")
    results.first.get_by_role("link", name=case["reference"]).click()
    page.wait_for_url(f"**/cases/{case['id']}")
    page.locator(f'a[href="/tasks/{task["id"]}"]').first.click()
    expect(page.locator("main")).to_contain_text("Claimed by Demo officer (derby-city)")
    visit(page, "manager-task-before")
    page.get_by_label("Give this task to").select_option(MANAGER)
    page.get_by_role("button", name="Reassign").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("is now Demo manager")
    expect(page.locator("main")).to_contain_text("You have claimed this task.")
    visit(page, "manager-task-reassigned")

    page.get_by_role("link", name="Council overview").click()
    visit(page, "manager-overview")
    detail = api(server, "GET", f"/api/v1/cases/{case['id']}", token=token(server, MANAGER))
    assert detail["history"][-1]["event"] == "task_assigned"
    assert detail["history"][-1]["detail"].endswith(f"given to {MANAGER} (from {OFFICER})")


def _fits(page, shot: str) -> None:
    """Nothing wider than the phone's screen: no sideways scrolling, every button on screen."""
    visit(page, shot)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} is {width}px wide at 390px"
    for button in page.locator("main button, main .govuk-button").all():
        box = button.bounding_box()
        if box:
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (page.url, button.inner_text(), box)


def test_inbox_task_case_list_and_overview_fit_390px(chromium, server):
    case = _open_case(
        server,
        {"name": "Bartholomew Featherstonehaugh-Cholmondeley", "email": "bartholomew.featherstonehaugh@example.org",
         "phone": "07700 900789", "address": "Flat 10, 221 Long Road Name, Derby DE22 1AA", "vulnerable": True},
    )  # fmt: skip
    context = chromium.new_context(base_url=server, viewport={"width": 390, "height": 844}, is_mobile=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_in(page, MANAGER)
        _fits(page, "390-inbox")
        task = next(t for t in case["open_tasks"] if t["form"] == "acknowledge")
        page.goto(f"/tasks/{task['id']}")
        _fits(page, "390-task")
        page.goto("/cases")
        _fits(page, "390-case-list")
        page.goto("/overview")
        _fits(page, "390-overview")
    finally:
        context.close()
