"""A period of dates a figure is counted over (the managers' dashboard, issue 15): its months,
the default of the last twelve months, and how a period asked for is checked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.calendar import add_months

# A period longer than this is a typing mistake, and would chart hundreds of months.
MAX_PERIOD_MONTHS = 60
DEFAULT_PERIOD_MONTHS = 12


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def months(self) -> list[str]:
        """Each month the period touches, "YYYY-MM", in order."""
        months, first = [], date(self.start.year, self.start.month, 1)
        while first <= self.end:
            months.append(f"{first:%Y-%m}")
            first = add_months(first, 1)
        return months

    def month_bounds(self, month: str) -> Period:
        """The part of the period in ``month`` ("YYYY-MM")."""
        first = date.fromisoformat(f"{month}-01")
        last = add_months(first, 1) - timedelta(days=1)
        return Period(max(first, self.start), min(last, self.end))


class PeriodInvalid(ValueError):
    """Says which end of the period is wrong, and why, in words for the page and the API."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field_name = field_name
        self.message = message


def twelve_months_to(end: date) -> date:
    """The start of the twelve months that end on ``end``: the first of the month eleven back."""
    return add_months(end.replace(day=1), -(DEFAULT_PERIOD_MONTHS - 1))


def period_of(start: date | None, end: date | None, today: date) -> Period:
    """The period asked for: the end defaults to today, the start to twelve months before it."""
    period = Period(start or twelve_months_to(end or today), end or today)
    if period.end < period.start:
        if end is None:
            raise PeriodInvalid("from", "The start of the period must be today or earlier, or give its end.")
        raise PeriodInvalid("to", "The end of the period must be the same as or after its start.")
    if add_months(period.start, MAX_PERIOD_MONTHS) < period.end:
        raise PeriodInvalid("to", f"The period can be at most {MAX_PERIOD_MONTHS // 12} years long.")
    return period
