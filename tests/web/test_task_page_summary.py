"""Every task page: the case summary, who holds the task, conditional questions, the product's
labels, how to reach the victim, and the manager's assignment (issue 12, "Every task page")."""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.factories.cases import third_party_application
from tests.factories.web import csrf_token, signed_in

OFFICER = "officer.derby-city@example.org"
MANAGER = "manager.derby-city@example.org"
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@pytest.fixture
def case(derby, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    return derby.open_case(
        third_party_application(
            victims=[{"name": "Jane Smith", "email": "jane@example.org", "phone": "07700 900123",
                      "address": "1 High Street, Derby DE1 1AA", "vulnerable": True}],
            consent={"given": True, "evidence": "written_consent", "received_on": "2026-12-14"},
        )
    )  # fmt: skip


def _page(browser, task_id: int) -> str:
    response = browser.get(f"/tasks/{task_id}")
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _text(html: str) -> str:
    """The page's words, without tags and attributes (where ids and values may be codes)."""
    body = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


def test_the_summary_names_the_case_the_victim_and_the_key_dates_and_links_to_the_case(app, derby, case):
    task = derby.open_task(case, "acknowledge")
    html = _page(signed_in(app, OFFICER), task["id"])
    assert f'href="/cases/{case["id"]}"' in html
    text = _text(html)
    assert task["name"] in text  # the inbox's name for it, as the heading
    assert "Victim Jane Smith (vulnerable)" in text
    assert "Applied for them Sam Helper, son (someone on the victim's behalf)" in text
    assert "Received 14 December 2026" in text
    assert "Clock started 14 December 2026" in text
    assert "This task is due" in text and "working days" in text
    assert not ISO_DATE.search(text), ISO_DATE.search(text)


def test_it_says_the_task_is_unclaimed_then_whose_it_is(app, derby, client, case):
    task = derby.open_task(case, "acknowledge")
    officer = signed_in(app, OFFICER)
    assert "Nobody has claimed this task. Completing it claims it for you." in _text(
        _page(officer, task["id"])
    )
    assert "Claim this task" in _page(officer, task["id"])
    assert client.post(f"/api/v1/tasks/{task['id']}/claim", headers=derby.as_("officer")).status_code == 200
    assert "You have claimed this task." in _text(_page(officer, task["id"]))
    manager_view = _text(_page(signed_in(app, MANAGER), task["id"]))
    assert f"Claimed by officer.derby-city ({OFFICER})." in manager_view


def test_completing_an_unclaimed_task_on_the_page_claims_it(app, derby, case):
    task = derby.open_task(case, "acknowledge")
    officer = signed_in(app, OFFICER)
    token = csrf_token(officer, f"/tasks/{task['id']}")
    data = {"csrf_token": token, "method": "email"}
    assert officer.post(f"/tasks/{task['id']}", data=data).status_code == 302
    assert "This task was completed by you." in _text(_page(officer, task["id"]))
    history = derby.case(case["id"])["history"]
    assert ("task_claimed", OFFICER) in [(h["event"], h["actor"]) for h in history]


def test_why_not_eligible_is_revealed_only_under_no(app, derby, case):
    case = derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    task = derby.open_task(case, "screen_eligibility")
    html = _page(signed_in(app, OFFICER), task["id"])
    # The reasons sit in the conditional block of the "No" answer (GOV.UK conditional reveal).
    no = re.search(r'<input[^>]*name="eligible"[^>]*value="false"[^>]*>', html).group(0)
    assert 'data-aria-controls="conditional-eligible-2"' in no
    reveal = re.search(
        r'<div class="govuk-radios__conditional[^"]*" id="conditional-eligible-2">(.*?)</fieldset>',
        html,
        re.S,
    )
    assert reveal and 'name="reason"' in reveal.group(1)
    assert html.count('name="reason"') == html.count(
        'name="reason"', html.index('id="conditional-eligible-2"')
    )
    assert 'id="conditional-eligible"' not in html  # nothing under "Yes"


def test_choices_use_the_products_words_never_raw_keys(app, derby, case):
    case = derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    case = derby.complete(case, "screen_eligibility", {"eligible": True})
    case = derby.check_records(case)
    case = derby.complete(case, "threshold_decision", {"threshold_met": True, "reasons": "Met."})
    task = derby.open_task(case, "request_information")
    text = _text(_page(signed_in(app, OFFICER), task["id"]))
    assert "The NHS (integrated care board)" in text
    assert "A housing provider (landlord)" in text
    for raw in ("Icb", "icb", "housing_provider", "youth_offending"):
        assert raw not in text.split(), raw
    assert "Youth offending Other" not in text  # the raw keys in words, as the page showed before
    assert "Stage Case review" in text


def test_a_task_to_contact_the_victim_shows_how_to_reach_them(app, derby, case):
    case = derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    case = derby.complete(case, "screen_eligibility", {"eligible": True})
    case = derby.check_records(case)
    case = derby.complete(case, "threshold_decision", {"threshold_met": True, "reasons": "Met."})
    case = derby.complete(case, "request_information", {"agencies": ["police"]})
    task = derby.open_task(case, "contact_victim")
    html = _page(signed_in(app, OFFICER), task["id"])
    text = _text(html)
    assert "How to reach them" in text
    assert "Name Jane Smith" in text and "Address 1 High Street, Derby DE1 1AA" in text
    assert 'href="tel:07700900123"' in html and 'href="mailto:jane@example.org"' in html
    assert "Vulnerable Yes" in text
    assert "Sam Helper" in text  # the applicant, who applied for her


def test_a_partner_sees_the_victims_name_but_no_contact_details_or_staff_addresses(app, derby, client, case):
    task = derby.open_task(case, "confirm_reports", agency="police")
    client.post(
        f"/api/v1/tasks/{task['id']}/assign",
        json={"user": "police.derby-city@example.org"},
        headers=derby.as_("manager"),
    )
    text = _text(_page(signed_in(app, "police.derby-city@example.org"), task["id"]))
    assert "Jane Smith" in text
    assert "(vulnerable)" not in text and "jane@example.org" not in text and "07700" not in text
    assert "@example.org" not in text.replace(
        "police.derby-city@example.org", ""
    )  # only their own, in the header
    assert "Give this task to" not in text


def test_a_manager_reassigns_from_the_page_and_officers_cannot(app, derby, case):
    task = derby.open_task(case, "acknowledge")
    officer_page = _page(signed_in(app, OFFICER), task["id"])
    assert "Give this task to" not in officer_page
    manager = signed_in(app, MANAGER)
    html = _page(manager, task["id"])
    assert "Give this task to" in html and f'value="{OFFICER}"' in html
    token = csrf_token(manager, f"/tasks/{task['id']}")
    response = manager.post(f"/tasks/{task['id']}/assign", data={"csrf_token": token, "user": OFFICER})
    assert response.status_code == 302
    page = _text(manager.get(response.headers["Location"]).get_data(as_text=True))
    assert "is now officer.derby-city’s" in page and f"Claimed by officer.derby-city ({OFFICER})." in page
    # The officer cannot assign, even by posting the form.
    officer = signed_in(app, OFFICER)
    token = csrf_token(officer, f"/tasks/{task['id']}")
    assert (
        officer.post(f"/tasks/{task['id']}/assign", data={"csrf_token": token, "user": MANAGER}).status_code
        == 403
    )


def test_another_councils_manager_cannot_assign_from_the_page(app, derby, case):
    from tests.factories.users import create_user

    herts = create_user(app, councils=("east-herts",), role="community_safety_manager")
    browser = signed_in(app, herts)
    task = derby.open_task(case, "acknowledge")
    token = csrf_token(browser, "/")
    assert (
        browser.post(f"/tasks/{task['id']}/assign", data={"csrf_token": token, "user": OFFICER}).status_code
        == 404
    )


def test_why_there_is_no_record_is_revealed_under_each_reports_no(app, derby, case):
    task = derby.open_task(case, "confirm_reports", agency="police")
    browser = signed_in(app, "police.derby-city@example.org")
    html = _page(browser, task["id"])
    reveal = re.search(r'id="conditional-reports-0-confirmed-2">(.*?)</div>\s*</div>\s*</div>', html, re.S)
    assert reveal and 'name="reports.0.not_confirmed"' in reveal.group(1)
    assert html.count('name="reports.0.not_confirmed"') == 1
    # A reason typed and then left behind by choosing "Yes" is not sent with the answer.
    token = csrf_token(browser, f"/tasks/{task['id']}")
    data = {"csrf_token": token, "reports-rows": "1", "reports.0.report": "a/1", "reports.0.confirmed": "true",
            "reports.0.not_confirmed": "typed before choosing Yes"}  # fmt: skip
    assert browser.post(f"/tasks/{task['id']}", data=data).status_code == 302
