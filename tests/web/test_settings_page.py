"""The settings page of a council (issue 16): current values, to-confirm values with their
source line, each section's form with the API's messages, the effect of a closure on due dates
before it is saved, the letter wording preview, and who may see and change what."""

from __future__ import annotations

import re

import pytest

from app.services import council_settings
from app.store.users import get_user_by_email
from tests.factories.cases import application
from tests.factories.users import create_user
from tests.factories.web import csrf_token, signed_in

PAGE = "/councils/east-herts/settings"


def _post(browser, path: str, data: dict):
    return browser.post(path, data={**data, "csrf_token": csrf_token(browser, path)})


@pytest.fixture
def admin(app):
    return signed_in(app, create_user(app, role="admin", councils=("east-herts",)))


@pytest.fixture
def owner(app):
    return signed_in(app, create_user(app, role="process_owner", councils=("east-herts",)))


def test_the_page_shows_every_section_what_is_assumed_and_links_its_source_line(admin):
    html = admin.get(PAGE).get_data(as_text=True)
    for title in ("Closure days", "Contacts", "Threshold", "Appeal of the outcome", "Review of a refusal",
                  "Letter wording", "Keeping closed cases", "To confirm", "Versions"):  # fmt: skip
        assert title in html, title
    assert "01279 655261" in html and "Community Wellbeing and Partnerships Manager" in html
    assert "The council, the police, A housing provider (landlord)" in html  # labels in a list
    assert 'href="/councils/east-herts/sources/east-herts-policy.txt#line-553"' in html
    assert html.count('href="/councils/east-herts/settings/') >= 7  # a Change link per section
    assert "The councils file's settings: no change has been made here yet." in html


def test_the_source_document_is_shown_with_numbered_lines(admin):
    response = admin.get("/councils/east-herts/sources/east-herts-policy.txt")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="line-553"' in html
    assert admin.get("/councils/east-herts/sources/..%2Fsecret.txt").status_code == 404
    assert admin.get("/councils/east-herts/sources/missing.txt").status_code == 404


def test_a_bad_value_gets_the_files_message_on_its_field(owner):
    response = _post(owner, f"{PAGE}/threshold", {
        "min_qualifying": "4", "window_months": "6", "report_within-days": "30", "eligible_agencies": ["council"],
        "onsite_police_only": "no", "separate_occasions": "no", "hate_incident_route": "no",
        "discretionary_activation": "yes", "discretionary_roles": ["community_safety_manager"],
        "reason": "Trying four", "action": "save",
    })  # fmt: skip
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "There is a problem" in html
    assert "min_qualifying = 4 is above the Act: under s.104(4)" in html
    assert 'href="#min_qualifying"' in html


def test_a_process_owner_changes_the_appeal_window_and_the_version_shows_the_diff(owner, admin):
    response = _post(owner, f"{PAGE}/appeal", {
        "body": "The Community Wellbeing and Partnerships Manager", "within_days": "21",
        "lodge_directly": "no", "third_party_consent": "no", "reason": "Policy review 2026", "action": "save",
    })  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)
    html = admin.get(PAGE).get_data(as_text=True)
    assert "Version 2, in force from 23 November 2026: Policy review 2026" in html
    assert re.search(r"appeal\.within_days</th>\s*<td[^>]*>28 days</td>\s*<td[^>]*>21 days</td>", html)
    assert "Saved as settings version 2." in owner.get(PAGE).get_data(as_text=True)


def _version(html: str, number: int) -> str:
    start = html.index(f'id="version-{number}"')
    end = html.find('<div id="version-', start + 1)
    return html[start : end if end != -1 else len(html)]


def test_a_version_shows_only_the_values_it_changed_in_words_and_the_first_folded_away(app):
    email = create_user(app, role="admin", councils=("east-herts",))
    with app.app_context():
        user = get_user_by_email(email)
        for section, value in (
            ("contacts", {"phone": "01279 000000"}),
            ("threshold", {"report_within": {"months": 1}}),
        ):
            council_settings.change(user, "east-herts", sections={section: value}, reason=f"New {section}")
    admin = signed_in(app, email)
    html = admin.get(PAGE).get_data(as_text=True)
    contacts, threshold, first = _version(html, 2), _version(html, 3), _version(html, 1)
    assert re.search(
        r"contacts\.phone</th>\s*<td[^>]*>01279 655261</td>\s*<td[^>]*>01279 000000</td>", contacts
    )
    assert "contacts.team" not in contacts and "contacts.email" not in contacts  # unchanged
    assert re.search(
        r"threshold\.report_within</th>\s*<td[^>]*>30 days</td>\s*<td[^>]*>1 month</td>", threshold
    )
    assert "{&#39;" not in html and "{'" not in html  # never Python's repr
    # Version 1 holds every value the councils file gave, the whole privacy notice too: folded away.
    assert '<details class="govuk-details"' in first
    assert "Show the values imported from councils.toml" in first
    assert "letters.privacy_notice" in first and "contacts.phone" in first
    assert first.index("<details") < first.index("letters.privacy_notice")


def test_a_reason_is_asked_for(owner):
    html = _post(owner, f"{PAGE}/not_met_review", {"offered": "yes", "within_days": "21", "reviewer": "A peer",
                                                    "action": "save"}).get_data(as_text=True)  # fmt: skip
    assert "Say why the settings change" in html


def test_a_process_owner_may_not_open_the_contacts_form_nor_post_it(owner):
    assert owner.get(f"{PAGE}/contacts").status_code == 403
    assert _post(owner, f"{PAGE}/appeal", {}).status_code == 200  # their own section
    response = owner.post(
        f"{PAGE}/contacts", data={"team": "x", "csrf_token": csrf_token(owner, f"{PAGE}/appeal")}
    )
    assert response.status_code == 403


@pytest.mark.parametrize(("role", "status"), [("community_safety_officer", 200), ("partner_agency", 403)])
def test_who_sees_the_page(app, role, status):
    browser = signed_in(app, create_user(app, role=role, councils=("east-herts",),
                                         agency="police" if role == "partner_agency" else None))  # fmt: skip
    response = browser.get(PAGE)
    assert response.status_code == status
    if status == 200:
        assert 'href="/councils/east-herts/settings/' not in response.get_data(
            as_text=True
        )  # no Change links
        assert browser.get(f"{PAGE}/appeal").status_code == 403


def test_another_councils_admin_is_told_nothing(app):
    browser = signed_in(app, create_user(app, role="admin", councils=("derby-city",)))
    assert browser.get(PAGE).status_code == 404


def test_a_closure_shows_its_effect_before_it_is_saved(app, derby, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    case = derby.open_case(application(received_on="2026-12-14"))
    browser = signed_in(app, create_user(app, role="admin", councils=("derby-city",)))
    page = "/councils/derby-city/settings/closures"
    html = _post(
        browser, page, {"value": "2026-12-17", "reason": "Office move", "action": "preview"}
    ).get_data(as_text=True)
    assert re.search(r"Saving moves \d+ due dates of open tasks and deadlines", html)
    assert case["reference"] in html and "21 December 2026" in html and "22 December 2026" in html
    assert "Acknowledge the completed application" in html
    assert derby.case(case["id"])["open_tasks"][0]["due_on"] == "2026-12-21"  # not saved
    response = _post(
        browser, page, {"value": "2026-12-17 Office move\n12-29", "reason": "Office move", "action": "save"}
    )
    assert response.status_code == 302
    settings = browser.get("/councils/derby-city/settings").get_data(as_text=True)
    assert re.search(r"Saved as settings version 2\. \d+ due dates moved\.", settings)
    # Each closure day in words, with its label.
    assert "17 December 2026 (Office move); 29 December, every year" in settings
    assert derby.case(case["id"])["open_tasks"][0]["due_on"] == "2026-12-22"


def test_a_bad_closure_day_is_explained(admin):
    html = _post(
        admin, f"{PAGE}/closures", {"value": "24/12/2026", "reason": "x", "action": "preview"}
    ).get_data(as_text=True)
    assert "Not a closure day: &#39;24/12/2026&#39;" in html and 'href="#value"' in html


def test_the_letter_wording_preview_fills_placeholders_and_prints_template_code_literally(admin):
    response = admin.get(f"{PAGE}/letters/preview", query_string={
        "support_services": "Local Victims Service: {phone}\n{{ config }}",
        "appeal_body": "{% include 'x' %}", "signature": "<b>{team}</b>\n{council_name}",
    })  # fmt: skip
    html = response.get_data(as_text=True)
    assert "Local Victims Service: 01279 655261" in html
    assert "{{ config }}" in html and "{% include &#39;x&#39; %}" in html
    assert "&lt;b&gt;Community Safety Team&lt;/b&gt;" in html and "East Herts Council" in html
    # Without script: the Preview button posts the form and the page shows the same.
    html = _post(admin, f"{PAGE}/letters", {"support_services": "One service", "appeal_body": "",
                                            "signature": "{council_name}", "reason": "", "action": "preview"}).get_data(as_text=True)  # fmt: skip
    assert "<li>One service</li>" in html


def test_a_value_is_confirmed_from_the_page(owner, admin):
    response = _post(
        owner, f"{PAGE}/confirm", {"key": "appeal.within_days", "reason": "E-mail of 2 December"}
    )
    assert response.status_code == 302
    html = admin.get(PAGE).get_data(as_text=True)
    assert 'id="confirm-appeal-within_days"' not in html
    assert "Confirmed: appeal.within_days" in html
    assert "E-mail of 2 December" in html
