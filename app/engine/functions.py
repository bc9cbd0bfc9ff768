"""The functions a diagram may call, bound to one council's calendar and the app clock.

Dates go in and come out as ``YYYY-MM-DD`` strings, the form they take in case data, so the
results can be stored, compared and passed on without conversion.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from app.clock import LOCAL_TIMEZONE
from app.domain import calendar as cal
from app.domain.calendar import WorkingCalendar


def to_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.astimezone(LOCAL_TIMEZONE).date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            pass
    raise ValueError(f"expected a date like 2026-11-02, got {value!r}")


def _count(n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise ValueError(f"expected a whole number of days, got {n!r}")
    return n


def end_of_day_utc(day: date) -> datetime:
    """The instant a date ends in England and Wales (midnight local time), in UTC."""
    next_midnight = datetime.combine(day + timedelta(days=1), time.min, tzinfo=LOCAL_TIMEZONE)
    return next_midnight.astimezone(UTC)


def diagram_functions(calendar: WorkingCalendar, today: Callable[[], date]) -> dict[str, Callable]:
    def add_working_days(start, n):
        return calendar.add_working_days(to_date(start), _count(n)).isoformat()

    def add_days(start, n):
        return cal.add_days(to_date(start), _count(n)).isoformat()

    def add_months(start, n):
        return cal.add_months(to_date(start), _count(n)).isoformat()

    def working_days_between(start, end):
        start, end = to_date(start), to_date(end)
        # Counting walks every year between: as far apart as add_days may reach, no further.
        if abs((end - start).days) > cal.MAX_DAYS:
            raise ValueError(f"the dates are more than {cal.MAX_DAYS:,} days apart")
        return calendar.working_days_between(start, end)

    def end_of_day(day):
        return end_of_day_utc(to_date(day)).isoformat()

    def today_():
        return today().isoformat()

    return {
        "add_working_days": add_working_days,
        "add_days": add_days,
        "add_months": add_months,
        "working_days_between": working_days_between,
        "end_of_day": end_of_day,
        "today": today_,
    }


FUNCTION_NAMES = frozenset(diagram_functions(cal.calendar_for("england"), date.today))
