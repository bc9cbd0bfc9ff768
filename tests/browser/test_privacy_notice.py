"""The privacy notice (issue 17) in a real browser: reached from the footer of the start page
and of a council's pages, axe-clean, and laid out without sideways scrolling at 1280 and 390 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import visit


@pytest.mark.parametrize("width", [1280, 390])
def test_the_privacy_notice_from_the_footers(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/")
    page.locator("#privacy-link").click()
    expect(page.get_by_role("heading", name="Privacy notices", level=1)).to_be_visible()
    visit(page, f"privacy-index-{width}")
    page.get_by_role("link", name="Derby City Council", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Privacy notice")
    expect(page.locator("#notice")).to_contain_text("Derby City Council is the controller")
    expect(page.get_by_role("heading", name="Your rights", level=2)).to_be_visible()
    visit(page, f"privacy-derby-city-{width}")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls {overflow}px sideways"

    page.goto("/apply/east-herts")
    page.locator("#privacy-link").click()
    expect(page).to_have_url(re.compile(r"/privacy/east-herts$"))
    expect(page.locator("#notice")).to_contain_text("East Herts Council is the controller")
