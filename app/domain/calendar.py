"""Working days for a council: weekends, its nation's bank holidays and its own closure days.

The rules are in spec/RULES.md §1. Bank holidays come only from the ``holidays`` package
(``country_holidays("GB", subdiv="ENG" | "WLS")``), which includes substitute days such as
"Boxing Day (observed)" and one-off holidays; we never keep a list of our own.

Every function takes ``datetime.date`` values only. A ``datetime`` is a subclass of ``date``
but is rejected with ``ValueError``: which calendar day a timestamp falls on depends on its
time zone, and the caller is the one who knows that, so it must convert (``.date()``) itself.
"""

import threading
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import NamedTuple
from zoneinfo import ZoneInfo

import holidays
from dateutil.relativedelta import relativedelta

NATIONS = ("england", "wales")

# How far one call may count. Deadlines in the Act and the councils' documents are days or
# weeks; ten years is far beyond any of them and keeps each call (and what it builds) small.
# The API's working-days query allows up to 2000 (spec/API.md), within these.
MAX_WORKING_DAYS = 2_600
MAX_DAYS = 3_660
MAX_MONTHS = 120
# Year tables one calendar keeps; the oldest built goes first. Cases touch a handful of years,
# so this never evicts in use, and dates from far-off years cannot grow the shared calendar.
MAX_CACHED_YEARS = 64

_SUBDIVISIONS = {"england": "ENG", "wales": "WLS"}
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Spelled out rather than strftime("%B"), which follows the process locale.
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def check_date(value: object, name: str = "date") -> date:
    """Return ``value`` if it is a plain ``date``; raise ValueError otherwise (datetimes included)."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValueError(f"{name} must be a date (not a datetime), got {value!r}")
    return value


def _check_int(value: object, name: str) -> int:
    # bool is an int subclass; True working days is a bug, not a request for 1.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    return value


def format_date(d: date) -> str:
    """A date as written in letters: ``3 May 2026``."""
    check_date(d)
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def format_day(d: date) -> str:
    """A date with its weekday, as the pages write it: ``Sunday 3 May 2026``."""
    return f"{d:%A} {format_date(d)}"


# Council dates are dates in England and Wales (as app.clock.LOCAL_TIMEZONE).
_UK = ZoneInfo("Europe/London")


def govuk_date(value: date | datetime | str | None) -> str:
    """A date as GOV.UK writes it, "3 December 2026"; a time adds ", 14:05" (UK time). ISO
    strings (the application and the workflow's data hold dates so) are read first; ``None`` and
    "" give "". The pages' ``govuk_date`` filter (app/web/jinja.py)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        except ValueError:
            return value  # not a date: shown as written
    if isinstance(value, datetime):
        local = value.astimezone(_UK) if value.tzinfo else value
        return f"{format_date(local.date())}, {local:%H:%M}"
    return format_date(value)


@dataclass(frozen=True)
class ClosureDays:
    """A council's own closure days, on top of weekends and bank holidays.

    ``dates`` are one-off closures; ``annual`` are ``(month, day)`` pairs closed every year,
    e.g. ``(12, 29)``. ``labels`` name some of them ("Christmas Eve"): a mapping (or pairs) from a
    date or a ``(month, day)`` to its label. Any iterables are accepted and stored as frozensets,
    so the value is hashable (``calendar_for`` caches on it).
    """

    dates: frozenset[date] = frozenset()
    annual: frozenset[tuple[int, int]] = frozenset()
    labels: frozenset[tuple[date | tuple[int, int], str]] = frozenset()

    def __post_init__(self) -> None:
        if isinstance(self.dates, str | date) or not isinstance(self.dates, Iterable):
            raise ValueError(f"closure dates must be a collection of dates, got {self.dates!r}")
        if isinstance(self.annual, str) or not isinstance(self.annual, Iterable):
            raise ValueError(f"annual closures must be a collection of (month, day), got {self.annual!r}")
        dates = frozenset(check_date(d, "closure date") for d in self.dates)
        annual = frozenset(_check_month_day(item) for item in self.annual)
        pairs = self.labels.items() if isinstance(self.labels, Mapping) else self.labels
        labels = frozenset((tuple(day) if isinstance(day, list) else day, label) for day, label in pairs)
        unknown = [day for day, _label in labels if day not in dates | annual]
        if unknown:
            raise ValueError(f"a label names no closure day: {unknown[0]!r}")
        object.__setattr__(self, "dates", dates)
        object.__setattr__(self, "annual", annual)
        object.__setattr__(self, "labels", labels)

    def __contains__(self, d: object) -> bool:
        if isinstance(d, datetime) or not isinstance(d, date):
            return False
        return d in self.dates or (d.month, d.day) in self.annual

    def label_of(self, d: date | tuple[int, int]) -> str | None:
        """The label of a closure day (a one-off's before the yearly one of its day), if it has one."""
        names = dict(self.labels)
        if isinstance(d, date):
            return names.get(d) or names.get((d.month, d.day))
        return names.get(d)


def _check_month_day(item: object) -> tuple[int, int]:
    try:
        month, day = item
        # 2000 is a leap year, so (2, 29) is allowed; it simply never matches in other years.
        date(2000, _check_int(month, "month"), _check_int(day, "day"))
    except (TypeError, ValueError) as error:
        raise ValueError(f"an annual closure must be a valid (month, day), got {item!r}") from error
    return (month, day)


@dataclass(frozen=True)
class SkippedDay:
    """A non-working day and why: kind is ``weekend``, ``bank_holiday`` or ``closure``."""

    on: date
    kind: str
    reason: str

    def to_dict(self) -> dict:
        return {"date": self.on.isoformat(), "reason": self.reason}


@dataclass(frozen=True)
class DueDate:
    """A deadline with its working: ``skipped`` are the non-working days in (start, due_on]."""

    start: date
    days: int
    due_on: date
    skipped: tuple[SkippedDay, ...]

    def to_dict(self) -> dict:
        """The body of ``GET /api/v1/calendar/working-days``."""
        return {
            "from": self.start.isoformat(),
            "days": self.days,
            "due_on": self.due_on.isoformat(),
            "skipped": [day.to_dict() for day in self.skipped],
        }


@lru_cache(maxsize=1024)
def _bank_holidays(nation: str, year: int) -> Mapping[date, str]:
    """Bank holidays of ``nation`` dated in ``year``, date -> name.

    Built once per nation and year: constructing a ``holidays`` object costs milliseconds,
    a dict lookup well under a microsecond. The neighbouring years are generated too, in
    case a substitute day for one year's holiday is dated in the next.
    """
    years = [y for y in (year - 1, year, year + 1) if 1 <= y <= 9999]
    source = holidays.country_holidays("GB", subdiv=_SUBDIVISIONS[nation], years=years)
    return MappingProxyType({d: name for d, name in source.items() if d.year == year})


def warm_bank_holidays(years: range) -> None:
    """Build the bank-holiday tables of every nation for ``years`` now (the ``holidays`` package
    takes a noticeable moment the first time), so no later request, and no diagram code running
    under its time budget, pays for it."""
    for nation in NATIONS:
        for year in years:
            _bank_holidays(nation, year)


class _YearTable(NamedTuple):
    working_ordinals: tuple[int, ...]  # sorted
    skipped_ordinals: tuple[int, ...]  # sorted, parallel to skipped
    skipped: tuple[SkippedDay, ...]


class WorkingCalendar:
    """Working days of one council: Monday to Friday, less bank holidays and closures.

    A day that is non-working for several reasons reports the first of: weekend, bank
    holiday, council closure (Christmas Day on a Saturday is "weekend (Saturday)"; the
    substitute day on the Monday or Tuesday is the bank holiday).
    """

    def __init__(self, nation: str, closures: ClosureDays = ClosureDays()) -> None:
        if nation not in NATIONS:
            raise ValueError(f"unknown nation {nation!r}: the Community Trigger applies in {NATIONS}")
        if not isinstance(closures, ClosureDays):
            raise ValueError(f"closures must be ClosureDays, got {closures!r}")
        self.nation = nation
        self.closures = closures
        # year -> its working days and its non-working days with reasons, built on first use.
        # Deadlines then take a binary search instead of a day-by-day walk.
        self._years: dict[int, _YearTable] = {}
        self._years_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"WorkingCalendar({self.nation!r}, {self.closures!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, WorkingCalendar):
            return NotImplemented
        return (self.nation, self.closures) == (other.nation, other.closures)

    def __hash__(self) -> int:
        return hash((self.nation, self.closures))

    def non_working_reason(self, d: date) -> SkippedDay | None:
        """Why ``d`` is not a working day, or None when it is one."""
        return self._reason(check_date(d))

    def is_working_day(self, d: date) -> bool:
        return self._reason(check_date(d)) is None

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (n >= 1); ``start`` itself is never counted."""
        check_date(start, "start")
        self._check_days(n)
        start_ordinal = start.toordinal()
        remaining = n
        year = start.year
        while True:
            working = self._working_days_of(year)
            first = bisect_right(working, start_ordinal)
            available = len(working) - first
            if remaining <= available:
                return date.fromordinal(working[first + remaining - 1])
            remaining -= available
            year += 1

    def explain_working_days(self, start: date, n: int) -> DueDate:
        """``add_working_days`` with the non-working days it skipped, in date order."""
        due_on = self.add_working_days(start, n)
        start_ordinal, due_ordinal = start.toordinal(), due_on.toordinal()
        skipped: list[SkippedDay] = []
        for year in range(start.year, due_on.year + 1):
            table = self._year(year)
            first = bisect_right(table.skipped_ordinals, start_ordinal)
            last = bisect_right(table.skipped_ordinals, due_ordinal)
            skipped.extend(table.skipped[first:last])
        return DueDate(start=start, days=n, due_on=due_on, skipped=tuple(skipped))

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; 0 when equal; -(working days in (end, start]) when end < start."""
        check_date(start, "start")
        check_date(end, "end")
        if end < start:
            return -self.working_days_between(end, start)
        start_ordinal, end_ordinal = start.toordinal(), end.toordinal()
        count = 0
        for year in range(start.year, end.year + 1):
            working = self._working_days_of(year)
            count += bisect_right(working, end_ordinal) - bisect_right(working, start_ordinal)
        return count

    def _reason(self, d: date) -> SkippedDay | None:
        weekday = d.weekday()
        if weekday >= 5:
            return SkippedDay(d, "weekend", f"weekend ({_WEEKDAYS[weekday]})")
        name = _bank_holidays(self.nation, d.year).get(d)
        if name is not None:
            return SkippedDay(d, "bank_holiday", f"bank holiday: {name}")
        if d in self.closures:
            label = self.closures.label_of(d)
            return SkippedDay(d, "closure", f"council closure: {label}" if label else "council closure")
        return None

    def _working_days_of(self, year: int) -> tuple[int, ...]:
        return self._year(year).working_ordinals

    def _year(self, year: int) -> _YearTable:
        table = self._years.get(year)
        if table is None:
            if year > 9999:
                raise ValueError("the date is beyond the end of the calendar (year 9999)")
            working, skipped = [], []
            for ordinal in range(date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal() + 1):
                reason = self._reason(date.fromordinal(ordinal))
                if reason is None:
                    working.append(ordinal)
                else:
                    skipped.append(reason)
            table = _YearTable(
                working_ordinals=tuple(working),
                skipped_ordinals=tuple(day.on.toordinal() for day in skipped),
                skipped=tuple(skipped),
            )
            # Racing threads may both build a year; they build equal tables, so either wins.
            with self._years_lock:
                while len(self._years) >= MAX_CACHED_YEARS:
                    del self._years[next(iter(self._years))]
                self._years[year] = table
        return table

    @staticmethod
    def _check_days(n: object) -> None:
        if _check_int(n, "the number of working days") < 1:
            raise ValueError(f"the number of working days must be at least 1, got {n}")
        _check_at_most(n, MAX_WORKING_DAYS, "working days")


def _check_at_most(n: int, limit: int, unit: str) -> None:
    if abs(n) > limit:
        raise ValueError(f"at most {limit:,} {unit} can be counted at once, not {n:,}")


def add_days(start: date, n: int) -> date:
    """Calendar days: ``start + n`` (n may be zero or negative)."""
    check_date(start, "start")
    _check_at_most(_check_int(n, "the number of days"), MAX_DAYS, "days")
    try:
        return start + timedelta(days=n)
    except OverflowError as error:
        raise ValueError(f"{start} + {n} days is outside the calendar") from error


def add_months(start: date, n: int) -> date:
    """Calendar months, clamped to the end of the month (31 Jan + 1 month = 28 or 29 Feb)."""
    check_date(start, "start")
    _check_at_most(_check_int(n, "the number of months"), MAX_MONTHS, "months")
    return _shift_months(start, n)


# relativedelta arithmetic costs microseconds; the threshold asks for the same few
# "occurred_on + 1 month" and "received_on - 6 months" over and over.
@lru_cache(maxsize=8192)
def _shift_months(start: date, n: int) -> date:
    try:
        return start + relativedelta(months=n)
    except (OverflowError, ValueError) as error:
        raise ValueError(f"{start} + {n} months is outside the calendar") from error


@lru_cache(maxsize=256)
def calendar_for(nation: str, closures: ClosureDays = ClosureDays()) -> WorkingCalendar:
    """The shared calendar of a nation and closure days; cached, so its year tables are reused."""
    return WorkingCalendar(nation, closures)
