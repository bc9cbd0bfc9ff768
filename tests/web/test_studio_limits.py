"""Issue 13: the studio's due-date preview runs brand-new code; hostile code is refused with a
message, the page never hangs."""

from __future__ import annotations

import time

import pytest

from tests.factories.web import signed_in
from tests.web.test_studio import KEY, OWNER, studio_csrf


@pytest.mark.parametrize(
    ("expression", "fragment"),
    [
        # The preview reads only dates and the calendar functions: no builtin such as len or sum.
        ("add_days(received_on, '%*d' % (10000000, 1))", "width"),
        ("add_days(received_on, f'{1:>10000000}')", "width"),
        ("add_days(received_on, b'x' * 10000000 * 10000000)", "longer than"),
        ("add_working_days(received_on, 9999999)", "at most 2,600 working days"),
        ("add_days(received_on, 9999999)", "at most 3,660 days"),
        ("add_months(received_on, 9999999)", "at most 120 months"),
    ],
    ids=[
        "percent-width",
        "fstring-width",
        "bytes-repetition",
        "working-days",
        "days",
        "months",
    ],
)
def test_a_hostile_preview_is_refused_with_a_message(app, derby, expression, fragment):
    browser = signed_in(app, OWNER)
    started = time.monotonic()
    response = browser.post("/studio/preview-due", json={"council": "derby-city", "expression": expression,
                            "received_on": "2026-11-23"}, headers={"X-CSRFToken": studio_csrf(browser)})  # fmt: skip
    assert time.monotonic() - started < 5
    assert response.status_code == 422, response.get_json()
    assert fragment in response.get_json()["message"]


@pytest.mark.parametrize(
    "expression",
    ["(" * 900 + "received_on" + ")" * 900, "-" * 1999 + "1", "add_days(received_on, 1" + " + 1" * 450 + ")"],
    ids=["nested-parentheses", "nested-unary", "long-sum"],
)
def test_a_preview_nested_too_deeply_is_refused_with_a_message(app, derby, expression):
    browser = signed_in(app, OWNER)
    response = browser.post("/studio/preview-due", json={"council": "derby-city", "expression": expression,
                            "received_on": "2026-11-23"}, headers={"X-CSRFToken": studio_csrf(browser)})  # fmt: skip
    assert response.status_code == 422, response.get_data(as_text=True)
    assert "too deeply" in response.get_json()["message"]


# The page's answers are form fields, not JSON (issue 12): nesting is the API's to refuse
# (tests/api/test_process_test_runs.py); the received date is a GOV.UK date input.
@pytest.mark.parametrize(
    ("day", "message"),
    [
        ((1, 1, 1), "must be a real date"),
        ((31, 12, 2013), "Must not be before 2014-10-20"),
        ((31, 12, 9999), "Must not be after"),
    ],
    ids=["year-1", "before-the-act", "year-9999"],
)
def test_a_test_run_out_of_reach_says_what_to_fix(app, derby, day, message):
    browser = signed_in(app, OWNER)
    query = {
        "run": "1",
        "scenario": "met",
        **dict(zip(("received_on-day", "received_on-month", "received_on-year"), map(str, day), strict=True)),
    }
    page = browser.get(f"/studio/{KEY}/versions/1/test-run", query_string=query)
    assert page.status_code == 422
    assert message in page.get_data(as_text=True)
