"""A resident's journey in a real browser: from the public start page at "/" through the
application to their private status page, at a phone's 390 px and on a desktop. Every page is
checked with axe-core, photographed, and must not scroll sideways or show an ISO date."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import api, screenshot, token, visit

OFFICER = "officer.derby-city@example.org"
PHONE = {"width": 390, "height": 844}
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def look(page, name: str) -> None:
    """axe, a screenshot, no sideways scrolling, no ISO date and no raw key on the page."""
    visit(page, name)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name}: the page scrolls {overflow}px sideways"
    text = page.locator("body").inner_text()
    assert not ISO_DATE.search(text), f"{name}: an ISO date: {ISO_DATE.search(text).group(0)}"
    for raw in ("derby-city", "third_party", "housing_provider", "_"):
        assert raw not in page.locator("main h1").inner_text(), raw


def _continue(page) -> None:
    page.get_by_role("button", name="Continue").click()


def _apply(page, shots: str) -> str:
    """Apply to Derby City as the victim, from "/"; the reference."""
    page.goto("/")
    look(page, f"{shots}-home")
    page.get_by_role("link", name="Derby City Council", exact=True).click()
    look(page, f"{shots}-start")
    page.get_by_role("button", name="Start now").click()

    expect(page.get_by_role("link", name="Back")).to_have_attribute("href", "/apply/derby-city")
    page.get_by_label("I am the victim of the antisocial behaviour").check()
    look(page, f"{shots}-who")
    _continue(page)

    expect(page.get_by_role("heading", name="About you")).to_be_visible()
    _continue(page)  # nothing filled in: GOV.UK errors
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your full name")
    look(page, f"{shots}-victim-errors")
    page.get_by_label("Your full name").fill("Alex Victim")
    page.get_by_label("Email address").fill("alex@example.org")
    page.get_by_role("group", name=re.compile("Are you vulnerable")).get_by_label("No").check()
    _continue(page)

    expect(page.get_by_role("heading", name="What is your address?")).to_be_visible()
    page.get_by_label("Address line 1").fill("Flat 2, 10 Corporation Street")
    page.get_by_label("Town or city").fill("Derby")
    page.get_by_label("Postcode").fill("de1 2fs")
    look(page, f"{shots}-address")
    _continue(page)

    for number, (day, agency) in enumerate(
        ((2, "The police"), (9, "The council"), (20, "A housing provider")), 1
    ):
        page.wait_for_url(re.compile(r"/incidents/new$"))
        for group, value in (("When did it happen?", day), ("When did you report it?", day + 1)):
            fields = page.get_by_role("group", name=group)
            fields.get_by_label("Day").fill(str(value))
            fields.get_by_label("Month").fill("11")
            fields.get_by_label("Year").fill("2026")
        page.get_by_label("What happened?").fill(f"Shouting and threats, incident {number}")
        page.get_by_role("group", name="Who did you report it to?").get_by_label(agency, exact=False).check()
        page.get_by_role("group", name="How did you report it?").get_by_label("By phone").check()
        if number == 1:
            look(page, f"{shots}-incident")
        _continue(page)
        page.wait_for_url(re.compile(r"/incidents$"))
        expect(page.locator("main")).to_contain_text(f"{day} November 2026")
        page.get_by_label("Yes" if number < 3 else "No", exact=True).check()
        if number == 3:
            look(page, f"{shots}-incidents")
        _continue(page)

    page.get_by_label("How has it affected you?").fill("I cannot sleep.")
    page.get_by_label("What would you like to happen?").fill("For it to stop.")
    page.get_by_role("group", name=re.compile("under 18")).get_by_label("No").check()
    look(page, f"{shots}-impact")
    _continue(page)
    page.get_by_label(re.compile("I confirm that the information")).check()
    _continue(page)

    page.wait_for_url(re.compile(r"/check$"))
    expect(page.locator("main")).to_contain_text("DE1 2FS")
    look(page, f"{shots}-check")
    page.get_by_role("button", name="Accept and send").click()

    page.wait_for_url(re.compile(r"/confirmation$"))
    panel = page.locator(".govuk-panel")
    reference = re.search(r"DER-\d{4}-\d{4}", panel.inner_text()).group(0)
    expect(page.locator("main")).to_contain_text("CommunitySafety@derby.gov.uk")
    expect(page.locator("#next-step")).to_contain_text("We will acknowledge the application by")
    look(page, f"{shots}-confirmation")
    return reference


@pytest.mark.parametrize("viewport", [PHONE, None], ids=["390px", "desktop"])
def test_a_resident_applies_from_the_start_page_and_follows_their_status_link(chromium, server, viewport):
    context = chromium.new_context(base_url=server, viewport=viewport or {"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    shots = "resident-390" if viewport else "resident"
    try:
        reference = _apply(page, shots)
        link = page.locator('a[href*="/status/"]').first
        status_path = re.search(r"/status/[A-Za-z0-9_-]+", link.get_attribute("href")).group(0)

        # The council acknowledges; the letter is on the status page under a plain name.
        officer = token(server, OFFICER)
        [case] = [c for c in api(server, "GET", "/api/v1/cases?per_page=100", token=officer)["items"]
                  if c["reference"] == reference]  # fmt: skip
        case = api(server, "GET", f"/api/v1/cases/{case['id']}", token=officer)
        [task] = [t for t in case["open_tasks"] if t["form"] == "acknowledge"]
        api(server, "POST", f"/api/v1/tasks/{task['id']}/complete", {"method": "email"}, officer)

        link.click()
        page.wait_for_url(re.compile(r"/status/[A-Za-z0-9_-]+$"))
        main = page.locator("main")
        expect(main).to_contain_text(reference)
        expect(main).to_contain_text("Derby City Council")
        expect(page.locator("#next-step")).to_contain_text(re.compile(r"by \d{1,2} [A-Z][a-z]+ 20\d\d"))
        letter = page.get_by_role("link", name="We have received your Community Trigger application")
        expect(letter).to_be_visible()
        look(page, f"{shots}-status")
        # The header goes back to the public start page, not to the staff sign-in.
        page.locator(".govuk-generic-header__homepage-link").click()
        page.wait_for_url(re.compile(r"/$"))
        expect(page.get_by_role("heading", level=1)).to_contain_text(
            "Ask for an antisocial behaviour case review"
        )
        # The letter itself carries the same private link the confirmation gave.
        page.goto(status_path)
        letter.click()
        page.wait_for_url(re.compile(r"/letters/\d+$"))
        assert status_path in page.content()
        # The letter reads on a phone: nothing scrolls sideways or is cut off at the edge.
        screenshot(page, f"{shots}-letter")
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the letter scrolls {overflow}px sideways"
        sender, top = page.locator(".from").bounding_box(), page.locator(".top").bounding_box()
        inside = top["x"] <= sender["x"] and sender["x"] + sender["width"] <= top["x"] + top["width"]
        assert inside, f"the sender's address {sender} is cut off by its block {top}"
    finally:
        context.close()
