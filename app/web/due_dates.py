"""How a task's due date reads in the inbox: the date, and how far off it is in working days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.domain.calendar import WorkingCalendar, format_date


@dataclass(frozen=True)
class DueDate:
    date_text: str  # "23 November 2026", or "No due date"
    phrase: str  # "due in 3 working days", "due today", "2 working days overdue", or ""
    overdue: bool
    due_today: bool


def _working_days(n: int) -> str:
    return "1 working day" if n == 1 else f"{n} working days"


def describe_due_date(due_on: date | None, today: date, calendar: WorkingCalendar) -> DueDate:
    """Working days are counted in the council's calendar (weekends, bank holidays, closures)."""
    if due_on is None:
        return DueDate("No due date", "", overdue=False, due_today=False)
    text = format_date(due_on)
    if due_on == today:
        return DueDate(text, "due today", overdue=False, due_today=True)
    if due_on > today:
        days = calendar.working_days_between(today, due_on)
        if days == 0:
            # Due on a weekend or holiday before the next working day.
            return DueDate(text, "due before the next working day", overdue=False, due_today=False)
        return DueDate(text, f"due in {_working_days(days)}", overdue=False, due_today=False)
    days = calendar.working_days_between(due_on, today)
    if days == 0:
        # Due on a non-working day that has just passed: late, but no working day was lost yet.
        return DueDate(text, "overdue", overdue=True, due_today=False)
    return DueDate(text, f"{_working_days(days)} overdue", overdue=True, due_today=False)


# A deadline's status (app.domain.deadlines.status_for_people) as a GOV.UK tag: text, classes.
DEADLINE_TAGS = {
    "met": ("Met", "govuk-tag--green"),
    "missed": ("Missed", "govuk-tag--red"),
    "pending": ("Due", "govuk-tag--blue"),
    "lodged": ("Lodged in time", "govuk-tag--green"),
    "closed": ("Closed", "govuk-tag--grey"),
}
