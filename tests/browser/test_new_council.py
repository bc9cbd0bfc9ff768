"""Adding a council in Chromium (issue 16): the administrator of the service fills the page, a
mistake is shown in the error summary, and the council is added with its process owner invited.
Every page is checked with axe-core and photographed, at a desktop width and a phone's."""

from __future__ import annotations

from playwright.sync_api import expect

from app.services.demo import DEMO_SERVICE_ADMIN
from tests.browser.conftest import sign_in, visit


def test_the_administrator_of_the_service_adds_a_council(page, width):
    council_id = f"newtown-{width}"
    prefix = {1280: "NTD", 390: "NTP"}[width]
    sign_in(page, DEMO_SERVICE_ADMIN)
    if width < 641:  # GOV.UK's service navigation folds into a menu on a phone
        page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="Add a council").click()
    expect(page.get_by_role("heading", name="Add a council")).to_be_visible()
    visit(page, f"council-new-{width}")

    page.get_by_label("Name", exact=True).fill(f"Newtown Council ({width})")
    page.get_by_label("Id", exact=True).fill(council_id)
    page.get_by_label("Case reference prefix").fill(prefix)
    page.get_by_role("radio", name="Wales").check()
    page.get_by_role("radio", name="A county not listed").check()
    page.get_by_label("The county's id").fill(f"powys-{width}")
    page.get_by_label("The county's name").fill(f"Powys ({width})")
    page.get_by_label("Team").fill("Community Safety Team")
    page.get_by_label("Email address").first.fill("safety@newtown.example.org")
    page.get_by_label("Telephone").fill("01632 960100")
    page.get_by_label("Postal address").fill("Town Hall, Newtown")
    page.get_by_label("Website").fill("not a web address")
    page.get_by_role("radio", name="East Herts Council").check()
    page.get_by_label("Email address").last.fill(f"owner.{width}@newtown.example.org")
    page.get_by_role("button", name="Add the council").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    assert "Not a valid URL." in summary.inner_text()
    visit(page, f"council-new-error-{width}")

    page.get_by_label("Website").fill("https://www.newtown.example.org/")
    page.get_by_role("button", name="Add the council").click()
    page.wait_for_url(f"**/councils/{council_id}/people")
    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_contain_text(f"Newtown Council ({width}) is added")
    row = page.get_by_role("row").filter(has_text=f"owner.{width}@newtown.example.org")
    expect(row).to_contain_text("Process owner")
    expect(row).to_contain_text("Invited")
    visit(page, f"council-added-{width}")
