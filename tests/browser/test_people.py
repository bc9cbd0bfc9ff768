"""The people pages in Chromium (issue 16): a council's admin invites someone, changes their roles
and deactivates the account; the password pages. Every page is checked with axe-core and
photographed, at a desktop width and a phone's."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import sign_in, visit

ADMIN = "admin.derby-city@example.org"


def test_an_admin_invites_changes_roles_and_deactivates(page, width):
    invitee = f"new.starter.{width}@example.org"
    sign_in(page, ADMIN)
    if width < 641:  # GOV.UK's service navigation folds into a menu on a phone
        page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="People").click()
    page.wait_for_url("**/councils/derby-city/people")
    visit(page, f"people-list-{width}")

    page.get_by_role("button", name="Invite someone").click()
    page.get_by_label("Email address").fill(invitee)
    page.get_by_role("button", name="Send invitation").click()
    summary = page.locator(".govuk-error-summary")
    assert "Choose at least one role." in summary.inner_text()
    visit(page, f"people-invite-error-{width}")

    page.get_by_label("Name (optional)").fill("New Starter")
    page.get_by_label("Agency", exact=True).select_option("police")
    page.get_by_role("checkbox", name="Partner agency", exact=True).check()
    page.get_by_role("button", name="Send invitation").click()
    page.wait_for_url("**/councils/derby-city/people")
    assert f"Invitation sent to {invitee}." in page.locator(".govuk-notification-banner").inner_text()
    row = page.get_by_role("row").filter(has_text=invitee)
    assert "Partner agency (The police)" in row.inner_text() and "Invited" in row.inner_text()
    visit(page, f"people-invited-{width}")

    row.get_by_role("link", name="New Starter").click()
    visit(page, f"person-{width}")
    page.get_by_role("checkbox", name="Panel chair").check()
    page.get_by_label("Why (optional)").fill("Also chairs panels")
    page.get_by_role("button", name="Save roles").click()
    assert f"The roles of {invitee} are saved." in page.locator(".govuk-notification-banner").inner_text()
    assert page.get_by_role("checkbox", name="Panel chair").is_checked()

    page.get_by_role("button", name="Deactivate account").click()
    visit(page, f"person-deactivate-{width}")
    page.get_by_role("button", name="Deactivate account").click()
    page.wait_for_url("**/councils/derby-city/people")
    row = page.get_by_role("row").filter(has_text=invitee)
    assert "Deactivated" in row.inner_text()

    row.get_by_role("link", name="New Starter").click()
    expect(page.get_by_role("button", name="Reactivate account")).to_be_visible()
    visit(page, f"person-deactivated-{width}")
    page.get_by_role("button", name="Reactivate account").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"The account of {invitee} is active again"
    )
    visit(page, f"person-reactivated-{width}")


def test_the_password_pages(page, width):
    page.goto("/sign-in")
    page.get_by_role("link", name="Forgot your password?").click()
    visit(page, f"forgot-password-{width}")
    page.get_by_role("button", name="Send the link").click()
    assert "Enter your email address" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Email address").fill(f"nobody.{width}@example.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()  # waits for the answer
    visit(page, f"reset-requested-{width}")

    page.goto("/set-password/not-a-real-link")
    assert page.get_by_role("heading", name="This link no longer works").is_visible()
    visit(page, f"link-not-valid-{width}")

    sign_in(page, "owner.derby-city@example.org")
    if width < 641:
        page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="Your password").click()
    visit(page, f"change-password-{width}")
    page.get_by_label("Current password").fill("not my password")
    page.get_by_label("New password", exact=True).fill("a brand new passphrase")
    page.get_by_label("Type the new password again").fill("a brand new passphrase")
    page.get_by_role("button", name="Change password").click()
    assert "The current password is not correct." in page.locator(".govuk-error-summary").inner_text()
    visit(page, f"change-password-error-{width}")
