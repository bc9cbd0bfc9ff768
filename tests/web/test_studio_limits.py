"""Issue 13: the studio's due-date preview runs brand-new code; hostile code is refused with a
message, the page never hangs."""

from __future__ import annotations

import time

import pytest

from tests.factories.web import signed_in
from tests.web.test_studio import OWNER, studio_csrf


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
