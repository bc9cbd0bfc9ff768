"""The case page in a real browser: an officer's case file (the application, the diagram and its
controls), what a partner agency sees of the case in the page and the API, and the page at
390 px wide. Each page is checked with axe-core and photographed (see conftest.py)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import api, screenshot, sign_in, token, visit
from tests.browser.test_journeys import CHECKED_BY, OFFICER, POLICE, _complete_by_api, _task_id
from tests.factories.cases import third_party_application

REASONS = "Three complaints in six months; the neighbour at 5 Hidden Lane was warned."
APPLICANT = {"name": "Sam Helper", "email": "sam@example.org", "phone": "07700 900456",
             "address": "2 Other Road\nDerby\nDE1 2AB", "relationship_to_victim": "son"}  # fmt: skip
VICTIM = {"name": "Alex Victim", "email": "alex@example.org", "phone": "07700 900123",
          "address": "1 Sample Street\nDerby\nDE1 1AA", "vulnerable": True}  # fmt: skip


def _case_at_information_requests(server: str) -> tuple[dict, str]:
    """A third party's application, every body's records confirmed (the housing provider's
    report excepted), the threshold met, the police asked for information."""
    officer = token(server, OFFICER)
    body = third_party_application(
        applicant=APPLICANT,
        victims=[VICTIM],
        consent={"given": True, "evidence": "written_consent", "received_on": "2026-12-14"},
        impact="I no longer sleep.",
        actions_taken="Kept a diary since August.",
        outcome_sought="The noise to stop.",
    )
    case = api(server, "POST", "/api/v1/councils/derby-city/cases", body, officer)
    _complete_by_api(server, case["id"], "acknowledge", {"sent_on": "2026-12-14", "method": "email"}, officer)
    _complete_by_api(server, case["id"], "screen_eligibility", {"eligible": True}, officer)
    whole = api(server, "GET", f"/api/v1/cases/{case['id']}", token=officer)
    for task in [t for t in whole["open_tasks"] if t["form"] == "confirm_reports"]:
        body_token = token(server, CHECKED_BY[task["agency"]])
        detail = api(server, "GET", f"/api/v1/tasks/{task['id']}", token=body_token)
        answer = (
            {"confirmed": False, "not_confirmed": "No letter on file."}
            if task["agency"] == "housing_provider"
            else {"confirmed": True}
        )
        reports = [{"report": r["report"], **answer} for r in detail["context"]["reports"]]
        api(server, "POST", f"/api/v1/tasks/{task['id']}/complete", {"reports": reports}, body_token)
    _complete_by_api(
        server, case["id"], "threshold_decision", {"threshold_met": True, "reasons": REASONS}, officer
    )
    _complete_by_api(server, case["id"], "request_information", {"agencies": ["police"]}, officer)
    return case, officer


def _viewbox(page) -> dict:
    return page.evaluate(
        "() => { const g = document.querySelector('#case-diagram .viewport');"
        " const m = g.transform.baseVal.consolidate().matrix; return {scale: m.a, x: m.e, y: m.f}; }"
    )


def test_an_officers_case_page_is_the_case_file_and_the_diagram_can_be_read(page, server):
    case, _ = _case_at_information_requests(server)
    sign_in(page, OFFICER)
    page.goto(f"/cases/{case['id']}")
    page.locator("#case-diagram.app-case-diagram--ready").wait_for()
    main = page.locator("main")
    for text in (
        "Someone on the victim's behalf", "Sam Helper", "sam@example.org", "07700 900456", "son",
        "Alex Victim", "alex@example.org", "1 Sample Street", "Written consent from the victim",
        "Noise and intimidation from a neighbouring flat", "Shouting at night", "The police", "By phone",
        "A housing provider (landlord)", "No record: No letter on file.", "I no longer sleep.",
        "Kept a diary since August.", "The noise to stop.", "Application received online",
        "Community Trigger: Derbyshire", "14 December 2026",
    ):  # fmt: skip
        expect(main).to_contain_text(text)
    body_text = main.inner_text()
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", body_text), "an ISO date on the page"
    for raw in ("housing_provider", "community_trigger", "derby-city ", "by online", "check_records"):
        assert raw not in body_text, raw
    visit(page, "case-file-officer")

    # The diagram is as wide as the window allows (wider than the text column), and opens on the
    # current step at a readable size.
    diagram = page.locator("#case-diagram").bounding_box()
    column = page.locator("#case-summary").bounding_box()
    assert diagram["width"] > column["width"] + 100, (diagram, column)
    current = page.locator(".djs-element.app-step--current").first.bounding_box()
    assert current is not None
    assert diagram["x"] <= current["x"] and current["x"] + current["width"] <= diagram["x"] + diagram["width"]
    assert (
        diagram["y"] <= current["y"] and current["y"] + current["height"] <= diagram["y"] + diagram["height"]
    )
    opened = _viewbox(page)
    assert opened["scale"] >= 0.6, opened  # readable, not the whole process squeezed into view

    page.get_by_role("button", name="Zoom in").click()
    assert _viewbox(page)["scale"] > opened["scale"]
    page.get_by_role("button", name="Zoom out").click()
    page.get_by_role("button", name="Zoom out").click()
    assert _viewbox(page)["scale"] < opened["scale"]
    page.get_by_role("button", name="Show the whole process").click()
    whole = _viewbox(page)
    assert whole["scale"] < opened["scale"]
    # Drag to pan.
    box = page.locator("#case-diagram").bounding_box()
    page.mouse.move(box["x"] + 200, box["y"] + 150)
    page.mouse.down()
    page.mouse.move(box["x"] + 320, box["y"] + 210, steps=5)
    page.mouse.up()
    moved = _viewbox(page)
    assert round(moved["x"] - whole["x"]) == 120 and round(moved["y"] - whole["y"]) == 60, (whole, moved)
    # Keyboard: the arrow keys pan when the diagram has focus.
    page.locator("#case-diagram").focus()
    page.keyboard.press("ArrowLeft")
    assert _viewbox(page)["x"] > moved["x"]
    page.get_by_role("button", name="Show the current step").click()
    assert abs(_viewbox(page)["scale"] - opened["scale"]) < 0.01
    screenshot(page, "case-file-officer-diagram")


def test_a_partner_returns_information_and_sees_only_its_part(page, server):
    case, officer = _case_at_information_requests(server)
    reference = case["reference"]
    sign_in(page, POLICE)
    page.goto(f"/cases/{case['id']}")
    main = page.locator("main")
    expect(main.get_by_role("heading", name="Your agency's tasks")).to_be_visible()
    expect(page.locator("#case-progress")).to_contain_text("Case review")
    expect(page.locator('#case-progress [aria-current="step"]')).to_contain_text("Case review")
    for text in ("Alex Victim", "1 Sample Street", "Shouting at night", "Reported to the police"):
        expect(main).to_contain_text(text)
    for hidden in (
        REASONS, "5 Hidden Lane", "alex@example.org", "07700", "Sam Helper", "No letter on file",
        "I no longer sleep", OFFICER, "Contact the victim", "Timeline", "Letters",
    ):  # fmt: skip
        expect(main).not_to_contain_text(hidden)
    expect(page.locator("#case-diagram")).to_have_count(0)
    visit(page, "case-partner")

    # The partner's task, from its case page.
    page.get_by_role("link", name="Return the agency's information").click()
    page.wait_for_url(re.compile(r"/tasks/\d+$"))
    page.fill('textarea[name="summary"]', "Two calls logged, one attended.")
    page.fill('textarea[name="actions_taken"]', "Warning letter sent to the neighbour.")
    page.get_by_role("button", name="Complete task").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("You completed")
    visit(page, "case-partner-returned")

    # The API gives the partner the same part, and nothing else.
    police = token(server, POLICE)
    view = api(server, "GET", f"/api/v1/cases/{case['id']}", token=police)
    assert view["audience"] == "partner" and view["reference"] == reference
    assert "threshold" not in view and "history" not in view and "application" not in view
    text = str(view)
    for hidden in (REASONS, "alex@example.org", "Sam Helper", "No letter on file", OFFICER, "contact_victim"):
        assert hidden not in text, hidden
    assert [r["agency"] for i in view["incidents"] for r in i["reports"]] == ["police"]
    for path in (f"/cases/{case['id']}/diagram.xml", f"/cases/{case['id']}/diagram-state.json"):
        assert page.request.get(path).status == 404, path
    # The officer still sees everything.
    assert (
        api(server, "GET", f"/api/v1/cases/{case['id']}", token=officer)["threshold"]["decision"]["reasons"]
        == REASONS
    )
    assert _task_id(server, case["id"], "contact_victim", officer)


def _no_horizontal_scroll(page) -> None:
    overflow = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, view: document.documentElement.clientWidth,"
        " wide: [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right >"
        " document.documentElement.clientWidth + 1).slice(0, 5).map(e => e.tagName + '.' + e.className)})"
    )
    assert overflow["scroll"] <= overflow["view"], overflow


def test_the_case_pages_fit_390_px_without_scrolling_sideways(chromium, server):
    case, _ = _case_at_information_requests(server)
    context = chromium.new_context(base_url=server, viewport={"width": 390, "height": 844}, is_mobile=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_in(page, OFFICER)
        page.goto(f"/cases/{case['id']}")
        page.locator("#case-diagram.app-case-diagram--ready").wait_for()
        _no_horizontal_scroll(page)
        visit(page, "case-file-officer-390")
        page.context.clear_cookies()
        sign_in(page, POLICE)
        page.goto(f"/cases/{case['id']}")
        _no_horizontal_scroll(page)
        visit(page, "case-partner-390")
    finally:
        context.close()
