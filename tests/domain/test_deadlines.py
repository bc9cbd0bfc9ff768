"""Whether a deadline was met, and how the pages word an applicant's window."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.deadlines import deadline_status, status_for_people

DUE = date(2026, 12, 21)


@pytest.mark.parametrize(
    ("done_on", "today", "status"),
    [
        (None, date(2026, 12, 21), "pending"),  # due today: still pending until the day ends
        (None, date(2026, 12, 22), "missed"),
        (date(2026, 12, 21), date(2027, 1, 5), "met"),  # on the due date counts
        (date(2026, 12, 14), date(2026, 12, 14), "met"),
        (date(2026, 12, 22), date(2026, 12, 22), "missed"),
    ],
)
def test_deadline_status(done_on, today, status):
    assert deadline_status(DUE, done_on, today) == status


@pytest.mark.parametrize(
    ("key", "done_on", "today", "status"),
    [
        ("appeal_window", None, date(2026, 12, 21), "pending"),
        ("appeal_window", None, date(2026, 12, 22), "closed"),  # nobody appealed: nothing was missed
        ("review_request_window", date(2026, 12, 18), date(2027, 1, 5), "lodged"),
        ("review_request_window", None, date(2027, 1, 5), "closed"),
        ("appeal_window", date(2026, 12, 23), date(2027, 1, 5), "missed"),  # recorded late: shown as it is
        ("acknowledge", None, date(2026, 12, 22), "missed"),  # a limit on the council is missed
        ("acknowledge", date(2026, 12, 18), date(2027, 1, 5), "met"),
    ],
)
def test_the_pages_word_an_applicants_window_as_lodged_or_closed(key, done_on, today, status):
    assert status_for_people(key, DUE, done_on, today) == status
