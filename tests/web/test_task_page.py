"""The task page: a task's form from its JSON Schema, completed through the API's service."""

from __future__ import annotations

import re

import pytest

from tests.factories.actors import Council
from tests.factories.cases import application
from tests.factories.reading import forms
from tests.factories.web import csrf_token, signed_in

OFFICER = "officer.derby-city@example.org"


@pytest.fixture
def case(derby, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    return derby.open_case(application())


def _page(browser, task_id: int) -> str:
    response = browser.get(f"/tasks/{task_id}")
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _post(browser, task_id: int, data: dict, token: str | None = None):
    token = token or csrf_token(browser, f"/tasks/{task_id}")
    return browser.post(f"/tasks/{task_id}", data={"csrf_token": token, **data})


def _to_review(derby, case):
    case = derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    case = derby.complete(case, "screen_eligibility", {"eligible": True})
    case = derby.check_records(case)
    case = derby.complete(case, "threshold_decision", {"threshold_met": True, "reasons": "Met."})
    return derby.complete(case, "request_information", {"agencies": ["police"]})


def test_the_acknowledge_page_has_a_date_input_radios_and_the_key_facts(app, derby, case):
    task = derby.open_task(case, "acknowledge")
    html = _page(signed_in(app, OFFICER), task["id"])
    assert f'<h1 class="govuk-heading-l">{task["name"]}</h1>' in html  # the name the inbox uses
    assert 'name="sent_on-day"' in html and 'name="sent_on-month"' in html and 'name="sent_on-year"' in html
    assert 'class="govuk-radios' in html and 'name="method" type="radio" value="email"' in html
    assert "govuk-character-count" in html  # notes: a textarea with its maxlength
    assert case["reference"] in html and "14 December 2026" in html
    assert "Alex Victim" in html  # the victim, in the case summary
    assert "govuk-tag--blue" in html  # a pending deadline


def test_errors_show_in_the_summary_with_links_and_what_was_typed_is_kept(app, derby, case):
    task = derby.open_task(case, "acknowledge")
    browser = signed_in(app, OFFICER)
    response = _post(
        browser,
        task["id"],
        {"sent_on-day": "31", "sent_on-month": "2", "sent_on-year": "2026", "notes": "Phoned first"},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "govuk-error-summary" in html and "There is a problem" in html
    assert 'href="#sent_on-day"' in html and "must be a real date" in html
    assert 'href="#method"' in html  # the service's own message for the missing method
    assert 'value="31"' in html and "Phoned first" in html
    assert derby.case(case["id"])["stage"] == "acknowledgement"


def test_a_valid_post_completes_the_task_and_the_case_advances(app, derby, case):
    task = derby.open_task(case, "acknowledge")
    browser = signed_in(app, OFFICER)
    response = _post(
        browser,
        task["id"],
        {"sent_on-day": "14", "sent_on-month": "12", "sent_on-year": "2026", "method": "post"},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/"
    html = browser.get("/").get_data(as_text=True)
    assert "govuk-notification-banner--success" in html and case["reference"] in html
    after = derby.case(case["id"])
    assert forms(after) == ["screen_eligibility"]
    # The task is done: posting again is a conflict shown in a banner.
    again = _post(browser, task["id"], {"method": "post"}, token=csrf_token(browser, "/"))
    assert again.status_code == 409 and "govuk-notification-banner" in again.get_data(as_text=True)


def test_the_case_review_page_has_add_another_rows(app, derby, case):
    case = _to_review(derby, case)
    case = derby.complete(case, "return_information", {"summary": "S", "actions_taken": "A"}, who="police")
    case = derby.complete(case, "contact_victim", {"contacted_on": "2026-12-14", "victim_will_attend": True})
    task = derby.open_task(case, "case_review")
    browser = signed_in(app, "chair.derby-city@example.org")
    html = _page(browser, task["id"])
    assert "Panel member 3" in html and "Panel member 4" not in html
    assert 'name="panel.0.agency"' in html and 'name="chair.name"' in html
    assert 'name="recommendations.0.due_on-day"' in html
    more = _post(browser, task["id"], {"panel-rows": "3", "panel.0.name": "Ann", "add_another": "panel"})
    assert more.status_code == 200
    html = more.get_data(as_text=True)
    assert "Panel member 4" in html and 'value="Ann"' in html and "govuk-error-summary" not in html
    wrong = _post(browser, task["id"], {"panel-rows": "3", "panel.0.name": "Ann", "panel.0.agency": "police"})
    html = wrong.get_data(as_text=True)
    assert wrong.status_code == 400
    assert 'href="#panel-0-role"' in html and 'href="#held_on-day"' in html and 'href="#chair-name"' in html


def test_the_threshold_page_shows_the_evaluation_incident_by_incident(app, derby, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    body = application()
    body["incidents"][0]["reports"][0]["reported_on"] = "2026-12-01"  # three months late
    case = derby.open_case(body)
    case = derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    case = derby.complete(case, "screen_eligibility", {"eligible": True})
    case = derby.check_records(case)
    task = derby.open_task(case, "threshold_decision")
    html = _page(signed_in(app, OFFICER), task["id"])
    assert "Automatic evaluation" in html and "Threshold not met" in html
    assert case["threshold"]["evaluation"]["explanation"].split(".")[0][:40] in html.replace("&#39;", "'")
    assert "Qualifies" in html and "Excluded" in html
    assert "reported too long after it happened" in html


def test_another_councils_task_is_page_not_found(app, client, derby, case):
    herts = Council(app, client, "east-herts")
    herts_case = herts.open_case(application())
    response = signed_in(app, OFFICER).get(f"/tasks/{herts_case['open_tasks'][0]['id']}")
    assert response.status_code == 404 and "Page not found" in response.get_data(as_text=True)


def test_a_partner_completes_its_own_return_but_not_another_agencys(app, derby, case):
    case = _to_review(derby, case)
    task = derby.open_task(case, "return_information")
    assert signed_in(app, "housing.derby-city@example.org").get(f"/tasks/{task['id']}").status_code == 404
    police = signed_in(app, "police.derby-city@example.org")
    html = _page(police, task["id"])
    assert "Return your agency" in html and "The victim" not in html
    response = _post(police, task["id"], {"summary": "Two call-outs", "actions_taken": "Warning given"})
    assert response.status_code == 302
    assert not [t for t in derby.case(case["id"])["open_tasks"] if t["form"] == "return_information"]


def test_a_partner_cannot_complete_an_officers_task(app, derby, case):
    task = derby.open_task(case, "acknowledge")
    police = signed_in(app, "police.derby-city@example.org")
    token = csrf_token(police, "/")
    response = police.post(f"/tasks/{task['id']}", data={"csrf_token": token, "method": "post"})
    assert response.status_code == 404


def test_the_csrf_token_is_required(app, derby, case):
    task = derby.open_task(case, "acknowledge")
    browser = signed_in(app, OFFICER)
    response = browser.post(f"/tasks/{task['id']}", data={"method": "post", "sent_on-day": ""})
    assert response.status_code == 400
    assert derby.case(case["id"])["stage"] == "acknowledgement"
    assert re.search(r"acknowledge", str([t["form"] for t in derby.case(case["id"])["open_tasks"]]))


def test_checkboxes_for_a_list_of_choices_and_answers_kept_after_an_error(app, derby, case):
    case = derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    case = derby.complete(case, "screen_eligibility", {"eligible": True})
    case = derby.check_records(case)
    case = derby.complete(case, "threshold_decision", {"threshold_met": True, "reasons": "Met."})
    task = derby.open_task(case, "request_information")
    browser = signed_in(app, OFFICER)
    html = _page(browser, task["id"])
    assert 'class="govuk-checkboxes' in html and 'name="agencies" type="checkbox" value="police"' in html
    response = _post(browser, task["id"], {})
    assert response.status_code == 400 and 'href="#agencies"' in response.get_data(as_text=True)
    response = _post(browser, task["id"], {"agencies": ["police", "council"]})
    assert response.status_code == 302
    forms = sorted(t["form"] for t in derby.case(case["id"])["open_tasks"])
    assert forms.count("return_information") == 2


def test_the_inbox_links_each_task_to_its_page(app, derby, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    case = derby.open_case(application())
    task_id = case["open_tasks"][0]["id"]
    html = signed_in(app, OFFICER).get("/").get_data(as_text=True)
    assert f'href="/tasks/{task_id}"' in html


def test_the_screen_eligibility_page_offers_the_reasons_without_a_null_choice(app, derby, case):
    case = derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    html = _page(signed_in(app, OFFICER), derby.open_task(case, "screen_eligibility")["id"])
    assert 'name="eligible" type="radio" value="true"' in html
    assert 'name="reason" type="radio" value="None"' not in html
