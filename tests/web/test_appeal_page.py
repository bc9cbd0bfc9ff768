"""Recording an appeal or review request on the web: the same rule as the API (judged by when it
was received), so a request received in time reopens a case its window's timer closed."""

from __future__ import annotations

import html
import re

from tests.factories.cases import application
from tests.factories.reading import run_timers
from tests.factories.web import csrf_token, signed_in

OFFICER = "officer.derby-city@example.org"


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def _refused(derby, clock):
    """Refused on 14 December 2026: the window to ask for a review ends on 11 January 2027."""
    clock.freeze("2026-12-14T09:00:00+00:00")
    case = derby.open_case(application(incidents=application()["incidents"][:1]))
    case = derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    case = derby.complete(case, "screen_eligibility", {"eligible": True})
    case = derby.check_records(case)
    return derby.complete(case, "threshold_decision", {"threshold_met": False, "reasons": "One incident."})


def _post(browser, case_id, day, month, year, grounds="Two more incidents were not counted."):
    path = f"/cases/{case_id}/appeals/new"
    return browser.post(path, data={
        "csrf_token": csrf_token(browser, path),
        "received_on-day": day, "received_on-month": month, "received_on-year": year, "grounds": grounds,
    })  # fmt: skip


def test_a_request_received_in_time_reopens_the_case_from_the_case_page(app, derby, runner, clock):
    case = _refused(derby, clock)
    run_timers(runner, "2027-01-12T00:00:01+00:00")
    clock.freeze("2027-01-13T10:00:00+00:00")
    browser = signed_in(app, OFFICER)
    page = _text(browser.get(f"/cases/{case['id']}"))
    assert "Closed" in page
    assert "Record an appeal or review request" in page
    assert "last day 11 January 2027" in page

    response = _post(browser, case["id"], "8", "1", "2027")
    assert response.status_code == 302, _text(response)
    page = _text(browser.get(response.headers["Location"]))
    assert "You recorded the review request on case DER-2026-0001." in page
    assert "Open" in page and "Case reopened" in page
    assert "inside the window that ended on 11 January 2027" in page
    assert derby.case(case["id"])["status"] == "open"


def test_a_late_request_is_refused_naming_the_last_day(app, derby, clock):
    case = _refused(derby, clock)
    clock.freeze("2027-01-13T10:00:00+00:00")
    browser = signed_in(app, OFFICER)
    response = _post(browser, case["id"], "12", "1", "2027")
    assert response.status_code == 409
    assert (
        "The window for this review request closed on 11 January 2027 (its last day); "
        "one received on 12 January 2027 is too late."
    ) in _text(response)
    assert derby.case(case["id"])["appeals"] == []


def test_missing_answers_are_listed_and_nothing_is_recorded(app, derby, clock):
    case = _refused(derby, clock)
    browser = signed_in(app, OFFICER)
    response = _post(browser, case["id"], "", "", "", grounds="")
    assert response.status_code == 400
    text = _text(response)
    assert "There is a problem" in text
    assert "Enter the date it was received" in text and "Enter why the applicant disagrees" in text
    response = _post(browser, case["id"], "31", "2", "2027")
    assert response.status_code == 400
    assert "When was it received? must be a real date" in _text(response)
    assert derby.case(case["id"])["appeals"] == []


def test_partners_cannot_record_one(app, derby, clock):
    case = _refused(derby, clock)
    browser = signed_in(app, "police.derby-city@example.org")
    assert browser.get(f"/cases/{case['id']}/appeals/new").status_code in (403, 404)
