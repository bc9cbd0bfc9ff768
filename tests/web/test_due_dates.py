"""How due dates read in the inbox, counted in the council's working days."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.calendar import ClosureDays, calendar_for
from app.web.due_dates import describe_due_date

ENGLAND = calendar_for("england")
MONDAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("due_on", "today", "date_text", "phrase", "overdue"),
    [
        (MONDAY, MONDAY, "23 November 2026", "due today", False),
        (date(2026, 11, 24), MONDAY, "24 November 2026", "due in 1 working day", False),
        (date(2026, 11, 26), MONDAY, "26 November 2026", "due in 3 working days", False),
        (date(2026, 11, 30), date(2026, 11, 27), "30 November 2026", "due in 1 working day", False),
        (
            date(2026, 11, 29),
            date(2026, 11, 28),
            "29 November 2026",
            "due before the next working day",
            False,
        ),
        (date(2026, 11, 19), MONDAY, "19 November 2026", "2 working days overdue", True),
        (date(2026, 11, 20), MONDAY, "20 November 2026", "1 working day overdue", True),
        (date(2026, 11, 21), MONDAY, "21 November 2026", "1 working day overdue", True),
        (date(2026, 11, 27), date(2026, 11, 28), "27 November 2026", "overdue", True),
        (date(2026, 12, 24), date(2026, 12, 29), "24 December 2026", "1 working day overdue", True),
        (date(2026, 12, 31), date(2026, 12, 23), "31 December 2026", "due in 4 working days", False),
    ],
    ids=[
        "due today",
        "tomorrow",
        "three days ahead",
        "over a weekend",
        "due on a Sunday seen on the Saturday",
        "two working days late",
        "the Friday before",
        "a Saturday due date is late by Monday's close",
        "the Friday seen on the Saturday is late but no working day lost",
        "Christmas and Boxing Day substitutes are not counted",
        "ahead over Christmas",
    ],
)
def test_due_date_phrases(due_on, today, date_text, phrase, overdue):
    due = describe_due_date(due_on, today, ENGLAND)
    assert (due.date_text, due.phrase, due.overdue) == (date_text, phrase, overdue)


def test_a_council_closure_day_is_not_a_working_day():
    closed = calendar_for("england", ClosureDays(dates=[date(2026, 11, 24)]))
    assert describe_due_date(date(2026, 11, 25), MONDAY, closed).phrase == "due in 1 working day"


def test_no_due_date():
    due = describe_due_date(None, MONDAY, ENGLAND)
    assert (due.date_text, due.phrase, due.overdue) == ("No due date", "", False)
